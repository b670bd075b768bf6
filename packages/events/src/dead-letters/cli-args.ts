import { invalidArgument } from '../errors.ts';
import { isOneOf } from '../internal/guards.ts';
import { isDeadLetterTopic } from './dead-letter-format.ts';

export const USAGE = `usage: npm run dlq -- <command> --topic <topic>.dlq [options]

commands:
  list      print every dead letter of the topic (partition, offset, key, type, id, origin, error)
  redrive   send the dead letters present now back to their original topic, once

options:
  --topic <name>       the dead-letter topic, e.g. orders.events.dlq (required)
  --group <id>         re-drive consumer group (default conveyor-dlq-redrive.<topic>)
  --timeout-ms <n>     give up when the end is not reached within n ms (default 60000)
  -h, --help           show this help

environment:
  KAFKA_BROKERS        comma-separated host:port (default 127.0.0.1:19092, the local infra)`;

export type DeadLetterCommand =
  | { command: 'help' }
  | { command: 'list' | 'redrive'; topic: string; groupId: string | undefined; timeoutMs: number };

const COMMANDS = ['list', 'redrive'] as const;
const FLAGS = ['--topic', '--group', '--timeout-ms'] as const;
type Flag = (typeof FLAGS)[number];

/** Parses the CLI arguments; bad input throws CONVEYOR_INVALID_ARGUMENT naming the flag or command. */
export function parseArgs(argv: readonly string[]): DeadLetterCommand {
  if (argv.includes('-h') || argv.includes('--help')) return { command: 'help' };
  const [command, ...rest] = argv;
  if (command === undefined || command.startsWith('-')) {
    throw invalidArgument(`missing command: expected ${COMMANDS.join(' or ')}`);
  }
  if (!isOneOf(COMMANDS, command)) {
    throw invalidArgument(`unknown command "${command}" (expected ${COMMANDS.join(' or ')})`);
  }
  const values = new Map<Flag, string>();
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i] ?? '';
    const [name, inline] = arg.startsWith('--') && arg.includes('=') ? splitOnce(arg) : [arg, undefined];
    if (!isOneOf(FLAGS, name)) {
      throw invalidArgument(
        name.startsWith('-')
          ? `unknown flag "${name}"`
          : `unexpected argument "${name}" (flags: ${FLAGS.join(', ')})`,
      );
    }
    const value = inline ?? rest[++i];
    if (value === undefined || value === '' || (inline === undefined && value.startsWith('--'))) {
      throw invalidArgument(`${name} needs a value`);
    }
    if (values.has(name)) throw invalidArgument(`${name} is given twice`);
    values.set(name, value);
  }
  const topic = values.get('--topic');
  if (topic === undefined)
    throw invalidArgument('--topic is required: the dead-letter topic, e.g. orders.events.dlq');
  if (!isDeadLetterTopic(topic)) {
    throw invalidArgument(`--topic must name a dead-letter topic ending in .dlq, got "${topic}"`);
  }
  const timeout = values.get('--timeout-ms') ?? '60000';
  if (!/^\d+$/.test(timeout) || Number(timeout) <= 0) {
    throw invalidArgument(`--timeout-ms must be a positive integer, got "${timeout}"`);
  }
  return {
    command,
    topic,
    groupId: values.get('--group'),
    timeoutMs: Number(timeout),
  };
}

/** KAFKA_BROKERS as a broker list; the local infra's address when unset. */
export function parseBrokers(value: string | undefined): string[] {
  if (value === undefined || value.trim() === '') return ['127.0.0.1:19092'];
  const brokers = value.split(',').map((b) => b.trim());
  if (!brokers.every((b) => /^[^\s:]+:\d{1,5}$/.test(b))) {
    throw invalidArgument(`KAFKA_BROKERS must be comma-separated host:port pairs, got "${value}"`);
  }
  return brokers;
}

function splitOnce(arg: string): [string, string] {
  const at = arg.indexOf('=');
  return [arg.slice(0, at), arg.slice(at + 1)];
}
