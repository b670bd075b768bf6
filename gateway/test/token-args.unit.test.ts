import { describe, expect, it } from 'vitest';
import { parseDuration, parseTokenArgs, UsageError } from '../src/token-args.ts';

const usageError = (argv: string[]) => {
  try {
    parseTokenArgs(argv);
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
    [['--sub', 'u', '--ttl', '31d'], '--ttl', /at most 30d/],
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
