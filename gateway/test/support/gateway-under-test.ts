import { createHmac } from 'node:crypto';
import { DEFAULT_MAX_LIFETIME_SECONDS, type JwtSettings, signToken } from '@conveyor/http';
import type { FastifyInstance } from 'fastify';
import { buildGateway, type GatewayDeps } from '../../src/app.ts';
import { type GatewayOptions, gatewayConfig } from '../../src/options.ts';

/** The secret the tests' gateways verify with (the tests mint their own tokens). */
export const TEST_SECRET = 'gateway-test-secret-0123456789abcdef';

/** What the tests' gateways verify with unless told otherwise. */
export const TEST_JWT: JwtSettings = {
  key: { algorithm: 'HS256', secret: TEST_SECRET },
  maxLifetimeSeconds: DEFAULT_MAX_LIFETIME_SECONDS,
};

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** buildGateway(...).listen on a free port of 127.0.0.1, with the test secret unless told otherwise. */
export async function startGateway(options: GatewayOptions, deps: GatewayDeps = {}): Promise<RunningGateway> {
  const app = await buildGateway(gatewayConfig({ jwt: TEST_JWT, ...options }), deps);
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, close: () => app.close() };
}

/** An HS256 token from the test secret; `issuedAt` in the past makes an expired one. */
export function tokenFor(
  sub: string,
  roles: string[] = ['user'],
  {
    secret = TEST_SECRET,
    ttlSeconds = 600,
    issuedAt = Date.now(),
    issuer,
    audience,
  }: { secret?: string; ttlSeconds?: number; issuedAt?: number; issuer?: string; audience?: string } = {},
): string {
  return signToken(
    { algorithm: 'HS256', secret },
    { sub, roles, issuer, audience },
    { issuedAt, ttlSeconds },
  );
}

/** An HS256 token with exactly these claims (none added), signed with the test secret. */
export function tokenWithClaims(claims: Record<string, unknown>, secret = TEST_SECRET): string {
  const input = `${b64({ alg: 'HS256', typ: 'JWT' })}.${b64(claims)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

export const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');

export const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

/** The fixture's echo: what the upstream received. */
export interface Echo {
  name: string;
  port: number;
  method: string;
  url: string;
  headers: Record<string, string | undefined>;
  body: string | null;
}
