import type { FastifyInstance } from 'fastify';
import { buildGateway, type GatewayDeps } from '../../src/app.ts';
import { signToken } from '../../src/auth/token-signer.ts';
import { type GatewayOptions, gatewayConfig } from '../../src/options.ts';

/** The secret the tests' gateways verify with (the tests mint their own tokens). */
export const TEST_SECRET = 'gateway-test-secret-0123456789abcdef';

export interface RunningGateway {
  app: FastifyInstance;
  url: string;
  close(): Promise<void>;
}

/** buildGateway(...).listen on a free port of 127.0.0.1, with the test secret unless told otherwise. */
export async function startGateway(options: GatewayOptions, deps: GatewayDeps = {}): Promise<RunningGateway> {
  const app = await buildGateway(
    gatewayConfig({ jwt: { algorithm: 'HS256', secret: TEST_SECRET }, ...options }),
    deps,
  );
  const url = await app.listen({ host: '127.0.0.1', port: 0 });
  return { app, url, close: () => app.close() };
}

/** An HS256 token from the test secret; `issuedAt` in the past makes an expired one. */
export function tokenFor(
  sub: string,
  roles: string[] = ['user'],
  { secret = TEST_SECRET, ttlSeconds = 600, issuedAt = Date.now() } = {},
): string {
  return signToken({ algorithm: 'HS256', secret }, { sub, roles }, { issuedAt, ttlSeconds });
}

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
