/**
 * `npm run token -- --sub <userId> [--roles user,admin] [--ttl 1h]`: prints a development JWT on
 * stdout and nothing else, so that `TOKEN=$(npm run -s token -- --sub u1)` works. The token carries
 * what the verifiers require: `exp` within JWT_MAX_LIFETIME, and JWT_ISSUER / JWT_AUDIENCE when set.
 * Exit codes: 0 printed, 1 bad environment (JWT_*), 2 bad flags (the message names the flag).
 */
import { type JwtClaimRules, loadJwtClaimRules, loadSigningKey, signToken } from '@conveyor/http';
import { parseTokenArgs, TOKEN_USAGE, type TokenCommand, UsageError } from './token-args.ts';

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let rules: JwtClaimRules;
  try {
    rules = loadJwtClaimRules(env);
  } catch (error) {
    return environmentError(error);
  }
  let command: TokenCommand;
  try {
    command = parseTokenArgs(argv, rules.maxLifetimeSeconds);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    process.stderr.write(`error: ${error.message}\n\n${TOKEN_USAGE}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${TOKEN_USAGE}\n`);
    return 0;
  }
  try {
    const token = signToken(
      loadSigningKey(env),
      { sub: command.sub, roles: command.roles, issuer: rules.issuer, audience: rules.audience },
      { issuedAt: Date.now(), ttlSeconds: command.ttlSeconds },
    );
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    return environmentError(error);
  }
}

function environmentError(error: unknown): number {
  process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
  return 1;
}

process.exitCode = main(process.argv.slice(2), process.env);
