import type { Kafka, KafkaMessage } from 'kafkajs';
import { deadLetterScanTimeout, topicNotFound } from '../errors.ts';
import { consumeUntilSettled } from './consume-until-settled.ts';
import { settleOnce } from './settle-once.ts';

export interface ScanOptions {
  kafka: Kafka;
  topic: string;
  groupId: string;
  /**
   * Start at the group's committed offsets and commit each handled batch (re-drive), or start at
   * the earliest offset and commit nothing (list).
   */
  commit: boolean;
  /** Fails with CONVEYOR_DEAD_LETTER_SCAN_TIMEOUT when the end is not reached in time. */
  timeoutMs: number;
  /** Called with each partition's messages in offset order; must be done with them when it resolves. */
  onMessages(partition: number, messages: KafkaMessage[]): Promise<void>;
}

interface Range {
  /** High watermark seen at start: messages at or past it arrived later and are left alone. */
  end: bigint;
}

/**
 * Reads a topic up to the end offsets it had when the scan started, then stops. Messages arriving
 * meanwhile are not touched, so a scan always ends, and a re-drive never picks up the dead letters
 * its own re-driven messages might cause. Returns how many messages were handled.
 */
export async function scanToEnd(options: ScanOptions): Promise<number> {
  const ranges = await pendingRanges(options);
  if (ranges.size === 0) return 0;

  const { kafka, topic, groupId, commit, timeoutMs, onMessages } = options;
  // Short fetch waits: the scan disconnects as soon as it is done, and a disconnect waits for the
  // fetch in flight, which on a caught-up partition lasts the whole wait.
  const consumer = kafka.consumer({ groupId, maxWaitTimeInMs: 100 });
  let handled = 0;
  const done = settleOnce<void>(timeoutMs, () => {
    const pending = [...ranges.keys()].sort((a, b) => a - b);
    return deadLetterScanTimeout(topic, timeoutMs, pending, groupId);
  });
  await consumeUntilSettled(consumer, topic, done, {
    autoCommit: commit,
    eachBatchAutoResolve: false,
    eachBatch: async ({ batch, resolveOffset, commitOffsetsIfNecessary, heartbeat }) => {
      const range = ranges.get(batch.partition);
      if (!range || done.settled) return;
      try {
        const wanted = batch.messages.filter((m) => BigInt(m.offset) < range.end);
        const last = wanted.at(-1);
        if (last) {
          await onMessages(batch.partition, wanted);
          handled += wanted.length;
          resolveOffset(last.offset);
          if (commit) {
            const next = (BigInt(last.offset) + 1n).toString();
            await commitOffsetsIfNecessary({
              topics: [{ topic, partitions: [{ partition: batch.partition, offset: next }] }],
            });
          }
        }
        // lastOffset() also counts records a fetch filters out (transaction markers), so a
        // partition whose last records are such markers still completes.
        if (BigInt(batch.lastOffset()) >= range.end - 1n) {
          ranges.delete(batch.partition);
          if (ranges.size === 0) done.resolve();
        }
      } catch (error) {
        // Fail the scan rather than let kafkajs retry the batch: an operator tool should say what
        // went wrong now, and the next run resumes from the last committed batch.
        done.reject(error);
        return;
      }
      await heartbeat();
    },
  });
  return handled;
}

/** Per partition, what is left to read: from the group's position (or the start) to the end now. */
async function pendingRanges({ kafka, topic, groupId, commit }: ScanOptions): Promise<Map<number, Range>> {
  const admin = kafka.admin();
  await admin.connect();
  try {
    const metadata = await admin.fetchTopicMetadata({ topics: [] });
    if (!metadata.topics.some((t) => t.name === topic)) throw topicNotFound(topic);
    const offsets = await admin.fetchTopicOffsets(topic);
    const committed = new Map<number, bigint>();
    if (commit) {
      const [group] = await admin.fetchOffsets({ groupId, topics: [topic] });
      for (const { partition, offset } of group?.partitions ?? []) committed.set(partition, BigInt(offset));
    }
    const ranges = new Map<number, Range>();
    for (const { partition, low, high } of offsets) {
      const position = committed.get(partition) ?? -1n;
      // No committed offset (-1), or one the retention already deleted: start at the earliest.
      const from = position < BigInt(low) ? BigInt(low) : position;
      if (from < BigInt(high)) ranges.set(partition, { end: BigInt(high) });
    }
    return ranges;
  } finally {
    await admin.disconnect();
  }
}
