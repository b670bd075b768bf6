export { buildGateway, type GatewayDeps } from './app.ts';
export type { Identity } from './auth/jwt-auth.ts';
export {
  DEVELOPMENT_JWT_SECRET,
  type JwtAlgorithm,
  type JwtSigningKey,
  type JwtVerificationKey,
} from './auth/keys.ts';
export { signToken, type TokenClaims } from './auth/token-signer.ts';
export { loadGatewayConfig, loadSigningKey, loadVerificationKey } from './config.ts';
export { type DemoToken, mintDemoToken } from './demo-token.ts';
export { GatewayError, type GatewayErrorCode, GatewayErrorCodes, isGatewayError } from './errors.ts';
export {
  type GatewayConfig,
  type GatewayOptions,
  gatewayConfig,
  type RateLimitGroup,
  type RateLimitRule,
  type ServiceName,
} from './options.ts';
export { GATEWAY_ROUTES, type GatewayRoute } from './routes.ts';
