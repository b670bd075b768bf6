import { DEVELOPMENT_JWT_SECRET } from './auth/keys.ts';
import { signToken } from './auth/token-signer.ts';

export interface DemoToken {
  userId: string;
  roles: string[];
  token: string;
}

/**
 * A token for the demo user, signed with the development secret: what the gateway (and, with a
 * line in scripts/start.ts, `npm start`) prints so that the API can be tried without minting one.
 */
export function mintDemoToken(now = Date.now()): DemoToken {
  const userId = 'demo-user';
  const roles = ['user'];
  const token = signToken(
    { algorithm: 'HS256', secret: DEVELOPMENT_JWT_SECRET },
    { sub: userId, roles },
    { issuedAt: now, ttlSeconds: 12 * 3600 },
  );
  return { userId, roles, token };
}
