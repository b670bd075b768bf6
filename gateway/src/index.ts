export { buildGateway, type GatewayDeps } from './app.ts';
export { loadGatewayConfig } from './config.ts';
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
