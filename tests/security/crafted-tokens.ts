import { createHmac, generateKeyPairSync, sign } from 'node:crypto';

/** The JWT settings the security stack runs with (every process gets the same). */
export const SECURITY_JWT = {
  secret: 'security-suite-secret-0123456789abcdef0123',
  issuer: 'https://issuer.conveyor.test',
  audience: 'conveyor-api',
} as const;

export const SECURITY_JWT_ENV = {
  JWT_SECRET: SECURITY_JWT.secret,
  JWT_ISSUER: SECURITY_JWT.issuer,
  JWT_AUDIENCE: SECURITY_JWT.audience,
};

type Claims = Record<string, unknown>;

const b64 = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = () => Math.floor(Date.now() / 1000);

function hs256(header: object, payload: Claims, secret: string): string {
  const input = `${b64(header)}.${b64(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
}

/** Claims a valid token of the stack carries; a case overrides or removes some. */
export function validClaims(sub: string, roles: string[]): Claims {
  const iat = now();
  return { sub, roles, iss: SECURITY_JWT.issuer, aud: SECURITY_JWT.audience, iat, exp: iat + 3600 };
}

/** A token the stack accepts. */
export function goodToken(sub: string, roles: string[] = ['user']): string {
  return hs256({ alg: 'HS256', typ: 'JWT' }, validClaims(sub, roles), SECURITY_JWT.secret);
}

const { privateKey: rsaKey, publicKey: rsaPublic } = generateKeyPairSync('rsa', { modulusLength: 2048 });

/** Tokens the stack must refuse, each with what is wrong with it. */
export function hostileTokens(sub: string): { name: string; token: string }[] {
  const claims = validClaims(sub, ['user', 'admin']);
  const without = (name: string): Claims =>
    Object.fromEntries(Object.entries(claims).filter(([k]) => k !== name));
  const header = { alg: 'HS256', typ: 'JWT' };
  const t = now();
  const rsInput = `${b64({ alg: 'RS256', typ: 'JWT' })}.${b64(claims)}`;
  return [
    { name: 'alg none, no signature', token: `${b64({ alg: 'none', typ: 'JWT' })}.${b64(claims)}.` },
    { name: 'alg none, HS signature', token: hs256({ alg: 'none' }, claims, SECURITY_JWT.secret) },
    { name: 'wrong secret', token: hs256(header, claims, 'another-secret-another-secret-another-secret') },
    {
      name: 'development secret',
      token: hs256(header, claims, 'conveyor-development-secret-do-not-use-in-production'),
    },
    {
      name: 'RS256 token on an HS256 stack',
      token: `${rsInput}.${sign('sha256', Buffer.from(rsInput), rsaKey).toString('base64url')}`,
    },
    {
      // The classic confusion: an HS256 token whose secret is the public key of an RS setup.
      name: 'HS256 signed with a public key as secret',
      token: hs256(header, claims, rsaPublic.export({ type: 'spki', format: 'pem' }).toString()),
    },
    {
      name: 'expired',
      token: hs256(header, { ...claims, iat: t - 7200, exp: t - 3600 }, SECURITY_JWT.secret),
    },
    { name: 'nbf in the future', token: hs256(header, { ...claims, nbf: t + 3600 }, SECURITY_JWT.secret) },
    { name: 'no exp', token: hs256(header, without('exp'), SECURITY_JWT.secret) },
    {
      name: 'lifetime of 30 days',
      token: hs256(header, { ...claims, exp: t + 30 * 86_400 }, SECURITY_JWT.secret),
    },
    {
      name: 'wrong issuer',
      token: hs256(header, { ...claims, iss: 'https://evil.test' }, SECURITY_JWT.secret),
    },
    { name: 'no issuer', token: hs256(header, without('iss'), SECURITY_JWT.secret) },
    { name: 'wrong audience', token: hs256(header, { ...claims, aud: 'another-api' }, SECURITY_JWT.secret) },
    { name: 'no audience', token: hs256(header, without('aud'), SECURITY_JWT.secret) },
    { name: 'no sub', token: hs256(header, without('sub'), SECURITY_JWT.secret) },
    { name: 'roles not a list', token: hs256(header, { ...claims, roles: 'admin' }, SECURITY_JWT.secret) },
    { name: 'tampered payload', token: tamper(goodToken(sub, ['user'])) },
    { name: 'garbage', token: 'not-a-jwt' },
    { name: 'two segments', token: `${b64(header)}.${b64(claims)}` },
  ];
}

/** A valid user token with its payload swapped for one claiming admin: the signature no longer fits. */
function tamper(token: string): string {
  const [head, payload, signature] = token.split('.');
  const claims = JSON.parse(Buffer.from(payload ?? '', 'base64url').toString());
  return `${head}.${b64({ ...claims, roles: ['user', 'admin'] })}.${signature}`;
}
