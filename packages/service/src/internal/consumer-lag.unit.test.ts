import { describe, expect, it } from 'vitest';
import { topicLag } from './consumer-lag.ts';

describe('consumer lag of a group in a topic', () => {
  it('adds what each partition has past the committed offset', () => {
    const ends = [
      { partition: 0, low: '0', high: '10' },
      { partition: 1, low: '0', high: '4' },
    ];
    expect(
      topicLag(ends, [
        { partition: 0, offset: '7' },
        { partition: 1, offset: '4' },
      ]),
    ).toBe(3);
  });

  it('counts from the low watermark where the group never committed', () => {
    expect(topicLag([{ partition: 0, low: '5', high: '12' }], [{ partition: 0, offset: '-1' }])).toBe(7);
    expect(topicLag([{ partition: 0, low: '5', high: '12' }], [])).toBe(7);
  });

  it('is never negative when a commit is ahead of a truncated partition', () => {
    expect(topicLag([{ partition: 0, low: '0', high: '3' }], [{ partition: 0, offset: '9' }])).toBe(0);
  });
});
