import { DEFAULT_MAX_LIFETIME_SECONDS } from '@conveyor/http';

/** A flag of `npm run token` that is unknown, missing or has a bad value; the CLI exits 2. */
export class UsageError extends Error {
  readonly code = 'GATEWAY_TOKEN_USAGE';
  constructor(
    readonly flag: string,
    message: string,
  ) {
    super(message);
    this.name = 'UsageError';
  }
}

export type TokenCommand =
  | { command: 'help' }
  | { command: 'mint'; sub: string; roles: string[]; ttlSeconds: number };

export const TOKEN_USAGE = `usage: npm run token -- --sub <userId> [--roles user,admin] [--ttl 1h]

Prints a JWT for development on stdout, signed with JWT_SECRET (HS256, default: the development
secret) or JWT_PRIVATE_KEY_FILE (JWT_ALGORITHM=RS256 or ES256), with iss and aud from JWT_ISSUER
and JWT_AUDIENCE when they are set.

  --sub <userId>    the user id (claim sub): who the services take the caller to be
  --roles <list>    comma-separated roles (claim roles), default: user
  --ttl <duration>  lifetime: 90s, 15m, 1h or plain seconds, at most JWT_MAX_LIFETIME
                    (default 24h); default: 1h`;

const UNIT_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400 };
const ROLE = /^[A-Za-z0-9_.:-]{1,64}$/;
const USER_ID = /^[\x21-\x7e]{1,256}$/;

/**
 * Parses `--flag value` and `--flag=value`; throws UsageError naming the flag at fault. A lifetime
 * above `maxTtlSeconds` (JWT_MAX_LIFETIME) is refused here: the verifiers would refuse the token.
 */
export function parseTokenArgs(
  argv: readonly string[],
  maxTtlSeconds = DEFAULT_MAX_LIFETIME_SECONDS,
): TokenCommand {
  const values = new Map<string, string>();
  const rest = [...argv];
  for (let arg = rest.shift(); arg !== undefined; arg = rest.shift()) {
    if (arg === '--help' || arg === '-h') return { command: 'help' };
    const [flag, inline] = arg.startsWith('--') ? splitOnce(arg) : [arg, undefined];
    if (!['--sub', '--roles', '--ttl'].includes(flag)) throw new UsageError(flag, `unknown flag ${flag}`);
    if (values.has(flag)) throw new UsageError(flag, `${flag} is given twice`);
    const value = inline ?? rest.shift();
    if (value === undefined || (inline === undefined && value.startsWith('--')))
      throw new UsageError(flag, `${flag} needs a value`);
    values.set(flag, value);
  }
  const sub = values.get('--sub');
  if (sub === undefined) throw new UsageError('--sub', '--sub <userId> is required');
  if (!USER_ID.test(sub))
    throw new UsageError('--sub', `--sub must be 1 to 256 printable characters without spaces; got "${sub}"`);
  const roles = (values.get('--roles') ?? 'user').split(',').map((r) => r.trim());
  const badRole = roles.find((r) => !ROLE.test(r));
  if (badRole !== undefined)
    throw new UsageError(
      '--roles',
      `--roles must list names made of letters, digits, _ . : -; got "${badRole}"`,
    );
  const ttl = values.get('--ttl') ?? '1h';
  const ttlSeconds = parseDuration(ttl);
  if (ttlSeconds === undefined || ttlSeconds <= 0 || ttlSeconds > maxTtlSeconds)
    throw new UsageError(
      '--ttl',
      `--ttl must be a duration like 90s, 15m or 1h, at most ${formatDuration(maxTtlSeconds)} (JWT_MAX_LIFETIME); got "${ttl}"`,
    );
  return { command: 'mint', sub, roles: [...new Set(roles)], ttlSeconds };
}

/** `90`, `90s`, `15m`, `1h`, `7d` in seconds; undefined when it is none of those. */
export function parseDuration(text: string): number | undefined {
  const match = /^(\d{1,9})([smhd]?)$/.exec(text.trim());
  if (!match) return undefined;
  const unitSeconds = UNIT_SECONDS[match[2] || 's'];
  if (unitSeconds === undefined) return undefined;
  return Number(match[1]) * unitSeconds;
}

/** Seconds in hours, minutes or seconds, whichever divides them: 86400 → `24h`, 90 → `90s`. */
export function formatDuration(seconds: number): string {
  if (seconds % 3600 === 0) return `${seconds / 3600}h`;
  if (seconds % 60 === 0) return `${seconds / 60}m`;
  return `${seconds}s`;
}

function splitOnce(arg: string): [string, string | undefined] {
  const at = arg.indexOf('=');
  return at === -1 ? [arg, undefined] : [arg.slice(0, at), arg.slice(at + 1)];
}
