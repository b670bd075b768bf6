import { describe, expect, it } from 'vitest';
import { parseArgs, parseBrokers } from '../src/dead-letters/cli-args.ts';
import { isConveyorError } from '../src/index.ts';

function refusal(run: () => unknown): string {
  try {
    run();
  } catch (error) {
    if (isConveyorError(error, 'CONVEYOR_INVALID_ARGUMENT')) return error.message;
    throw error;
  }
  throw new Error('the input was accepted');
}

describe('dead-letter CLI arguments', () => {
  it('parses both commands with their flags, in either spelling', () => {
    expect(parseArgs(['list', '--topic', 'a.dlq'])).toEqual({
      command: 'list',
      topic: 'a.dlq',
      groupId: undefined,
      timeoutMs: 60_000,
    });
    expect(parseArgs(['redrive', '--topic=a.dlq', '--group', 'g', '--timeout-ms=500'])).toEqual({
      command: 'redrive',
      topic: 'a.dlq',
      groupId: 'g',
      timeoutMs: 500,
    });
    expect(parseArgs(['--help'])).toEqual({ command: 'help' });
  });

  it('names the command or flag that is wrong', () => {
    expect(refusal(() => parseArgs([]))).toBe('missing command: expected list or redrive');
    expect(refusal(() => parseArgs(['purge']))).toBe('unknown command "purge" (expected list or redrive)');
    expect(refusal(() => parseArgs(['list']))).toContain('--topic is required');
    expect(refusal(() => parseArgs(['list', '--topic']))).toBe('--topic needs a value');
    expect(refusal(() => parseArgs(['list', '--topic', '--group', 'g']))).toBe('--topic needs a value');
    expect(refusal(() => parseArgs(['list', '--topic', 'a'])).toString()).toContain('ending in .dlq');
    expect(refusal(() => parseArgs(['list', '--topic', 'a.dlq', '--force']))).toBe('unknown flag "--force"');
    expect(refusal(() => parseArgs(['list', '--topic', 'a.dlq', 'extra']))).toContain(
      'unexpected argument "extra"',
    );
    expect(refusal(() => parseArgs(['list', '--topic', 'a.dlq', '--topic', 'b.dlq']))).toBe(
      '--topic is given twice',
    );
    expect(refusal(() => parseArgs(['list', '--topic', 'a.dlq', '--timeout-ms', '0']))).toContain(
      '--timeout-ms',
    );
  });

  it('reads KAFKA_BROKERS, defaulting to the local infra', () => {
    expect(parseBrokers(undefined)).toEqual(['127.0.0.1:19092']);
    expect(parseBrokers('k1:9092, k2:9093')).toEqual(['k1:9092', 'k2:9093']);
    expect(refusal(() => parseBrokers('k1'))).toContain(
      'KAFKA_BROKERS must be comma-separated host:port pairs',
    );
  });
});
