/**
 * `npm run dlq -- list|redrive --topic <topic>.dlq`: inspect dead letters and send them back.
 * Exit codes: 0 done, 1 failed (Kafka unreachable, unknown topic...), 2 bad usage.
 */
import { Kafka, logLevel } from 'kafkajs';
import { isConveyorError } from '../errors.ts';
import { type DeadLetterCommand, parseArgs, parseBrokers, USAGE } from './cli-args.ts';
import { formatDeadLetters } from './format-dead-letters.ts';
import { listDeadLetters } from './list.ts';
import { redriveDeadLetters } from './redrive.ts';

async function main(argv: string[], env: NodeJS.ProcessEnv): Promise<number> {
  let command: DeadLetterCommand;
  let brokers: string[];
  try {
    command = parseArgs(argv);
    brokers = parseBrokers(env.KAFKA_BROKERS);
  } catch (error) {
    if (!isConveyorError(error, 'CONVEYOR_INVALID_ARGUMENT')) throw error;
    process.stderr.write(`error: ${error.message}\n\n${USAGE}\n`);
    return 2;
  }
  if (command.command === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }

  // kafkajs logs are silenced: failures reach the operator once, as one line, below.
  const kafka = new Kafka({
    clientId: 'conveyor-dlq',
    brokers,
    logLevel: logLevel.NOTHING,
    connectionTimeout: 3_000,
    retry: { retries: 3 },
  });
  try {
    if (command.command === 'list') {
      const letters = await listDeadLetters({
        kafka,
        topic: command.topic,
        redriveGroupId: command.groupId,
        timeoutMs: command.timeoutMs,
      });
      process.stdout.write(`${formatDeadLetters(command.topic, letters)}\n`);
    } else {
      const result = await redriveDeadLetters({
        kafka,
        topic: command.topic,
        groupId: command.groupId,
        timeoutMs: command.timeoutMs,
      });
      const targets = Object.entries(result.byTopic).map(([topic, n]) => `${topic}: ${n}`);
      process.stdout.write(
        `re-drove ${result.redriven} dead letter(s) from ${result.topic}` +
          `${targets.length ? ` (${targets.join(', ')})` : ''}\n`,
      );
    }
    return 0;
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    const where = isConveyorError(error)
      ? ''
      : ` (Kafka at ${brokers.join(',')}, from KAFKA_BROKERS or the default)`;
    process.stderr.write(`error: ${message}${where}\n`);
    return 1;
  }
}

main(process.argv.slice(2), process.env).then(
  (code) => process.exit(code),
  (error: unknown) => {
    process.stderr.write(`error: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  },
);
