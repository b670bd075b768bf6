import { type logCreator, logLevel } from 'kafkajs';
import type { Logger } from 'pino';

const LEVELS: Record<number, 'error' | 'warn' | 'info' | 'debug'> = {
  [logLevel.NOTHING]: 'error',
  [logLevel.ERROR]: 'error',
  [logLevel.WARN]: 'warn',
  [logLevel.INFO]: 'info',
  [logLevel.DEBUG]: 'debug',
};

/** kafkajs logs through the service's pino logger, so every line on stdout is the same JSON. */
export function kafkaLogs(logger: Logger): logCreator {
  const child = logger.child({ component: 'kafkajs' });
  return () =>
    ({ namespace, level, log }) => {
      // kafkajs' own timestamp would duplicate pino's `time`.
      const { message, timestamp: _timestamp, ...fields } = log;
      child[LEVELS[level] ?? 'info']({ ...fields, kafkajs: namespace }, message);
    };
}
