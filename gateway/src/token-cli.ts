/**
 * `npm run token -- --sub <userId> [--roles user,admin] [--ttl 1h]`: prints a development JWT on
 * stdout and nothing else, so that `TOKEN=$(npm run -s token -- --sub u1)` works.
 * Exit codes: 0 printed, 1 bad environment (JWT_*), 2 bad flags (the message names the flag).
 */
import { signToken } from './auth/token-signer.ts';
import { loadSigningKey } from './config.ts';
import { parseTokenArgs, TOKEN_USAGE, type TokenCommand, UsageError } from './token-args.ts';

function main(argv: string[], env: NodeJS.ProcessEnv): number {
  let command: TokenCommand;
  try {
    command = parseTokenArgs(argv);
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
    const key = loadSigningKey(env);
    const token = signToken(
      key,
      { sub: command.sub, roles: command.roles },
      { issuedAt: Date.now(), ttlSeconds: command.ttlSeconds },
    );
    process.stdout.write(`${token}\n`);
    return 0;
  } catch (error) {
    process.stderr.write(`error: ${(error as Error).message}\n`);
    return 1;
  }
}

process.exitCode = main(process.argv.slice(2), process.env);
