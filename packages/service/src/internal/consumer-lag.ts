/** A partition's offsets as the broker reports them (kafkajs strings). */
export interface PartitionEnds {
  partition: number;
  low: string;
  high: string;
}

/** A group's committed offset in one partition; "-1" when it never committed there. */
export interface CommittedOffset {
  partition: number;
  offset: string;
}

/**
 * Messages a group still has to read in a topic: per partition, the high watermark minus what it
 * committed (minus the low watermark where it never committed: it would start from there).
 */
export function topicLag(ends: readonly PartitionEnds[], committed: readonly CommittedOffset[]): number {
  const byPartition = new Map(committed.map((c) => [c.partition, BigInt(c.offset)]));
  let lag = 0n;
  for (const { partition, low, high } of ends) {
    const at = byPartition.get(partition) ?? -1n;
    const from = at >= 0n ? at : BigInt(low);
    const behind = BigInt(high) - from;
    if (behind > 0n) lag += behind;
  }
  return Number(lag);
}
