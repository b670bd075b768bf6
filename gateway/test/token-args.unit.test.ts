import { describe, expect, it } from 'vitest';
import { formatDuration, parseDuration, parseTokenArgs, TOKEN_USAGE, UsageError } from '../src/token-args.ts';

const usageError = (argv: string[], maxTtlSeconds?: number) => {
  try {
    parseTokenArgs(argv, maxTtlSeconds);
  } catch (error) {
    if (error instanceof UsageError) return error;
    throw error;
  }
  throw new Error(`parsed ${argv.join(' ')}`);
};

describe('npm run token arguments', () => {
  it('reads --sub, --roles and --ttl, in both flag forms', () => {
    expect(parseTokenArgs(['--sub', 'u-1', '--roles', 'user,admin', '--ttl', '15m'])).toEqual({
      command: 'mint',
      sub: 'u-1',
      roles: ['user', 'admin'],
      ttlSeconds: 900,
    });
    expect(parseTokenArgs(['--sub=u-2', '--roles=admin', '--ttl=90'])).toEqual({
      command: 'mint',
      sub: 'u-2',
      roles: ['admin'],
      ttlSeconds: 90,
    });
  });

  it('defaults to the role user and one hour', () => {
    expect(parseTokenArgs(['--sub', 'u-1'])).toMatchObject({ roles: ['user'], ttlSeconds: 3600 });
  });

  it('mints up to JWT_MAX_LIFETIME: 24 h by default, or what it is set to', () => {
    expect(parseTokenArgs(['--sub', 'u', '--ttl', '24h'])).toMatchObject({ ttlSeconds: 86_400 });
    expect(parseTokenArgs(['--sub', 'u', '--ttl', '7d'], 7 * 86_400)).toMatchObject({ ttlSeconds: 604_800 });
    const error = usageError(['--sub', 'u', '--ttl', '16m'], 900);
    expect(error.message).toMatch(/at most 15m \(JWT_MAX_LIFETIME\)/);
    expect([formatDuration(86_400), formatDuration(900), formatDuration(90)]).toEqual(['24h', '15m', '90s']);
  });

  it('explains the flags without promising identity headers', () => {
    expect(TOKEN_USAGE).toContain('JWT_MAX_LIFETIME');
    expect(TOKEN_USAGE).toContain('JWT_ISSUER');
    expect(TOKEN_USAGE).not.toMatch(/x-user/i);
  });

  it('asks for help', () => {
    expect(parseTokenArgs(['--help'])).toEqual({ command: 'help' });
  });

  it.each([
    [['--sub', 'u', '--role', 'admin'], '--role', /unknown flag --role/],
    [['u-1'], 'u-1', /unknown flag u-1/],
    [['--roles', 'admin'], '--sub', /--sub <userId> is required/],
    [['--sub'], '--sub', /--sub needs a value/],
    [['--sub', '--ttl', '1h'], '--sub', /--sub needs a value/],
    [['--sub', 'a b'], '--sub', /printable/],
    [['--sub', 'u', '--sub', 'v'], '--sub', /given twice/],
    [['--sub', 'u', '--roles', 'user,,admin'], '--roles', /got ""/],
    [['--sub', 'u', '--roles', 'us er'], '--roles', /got "us er"/],
    [['--sub', 'u', '--ttl', 'soon'], '--ttl', /got "soon"/],
    [['--sub', 'u', '--ttl', '0'], '--ttl', /duration/],
    [['--sub', 'u', '--ttl', '25h'], '--ttl', /at most 24h \(JWT_MAX_LIFETIME\); got "25h"/],
    [['--sub', 'u', '--ttl', '86401'], '--ttl', /at most 24h/],
    [['--sub', 'u', '--ttl', '30d'], '--ttl', /at most 24h/],
  ])('refuses %j naming %s', (argv, flag, message) => {
    const error = usageError(argv);
    expect(error.flag).toBe(flag);
    expect(error.message).toMatch(message);
  });

  it('reads durations in seconds, minutes, hours and days', () => {
    expect([
      parseDuration('45'),
      parseDuration('45s'),
      parseDuration('2m'),
      parseDuration('1h'),
      parseDuration('7d'),
    ]).toEqual([45, 45, 120, 3600, 604_800]);
    expect(parseDuration('1.5h')).toBeUndefined();
    expect(parseDuration('h')).toBeUndefined();
  });
});
