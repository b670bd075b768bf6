import { describe, expect, it } from 'vitest';
import { formatTraceparent, parseTraceparent } from './traceparent.ts';

const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
const spanId = '00f067aa0ba902b7';

describe('W3C traceparent', () => {
  it('formats and parses a span context', () => {
    const value = formatTraceparent({ traceId, spanId, traceFlags: 1 });
    expect(value).toBe(`00-${traceId}-${spanId}-01`);
    expect(parseTraceparent(value)).toEqual({ traceId, spanId, traceFlags: 1 });
  });

  it('reads nothing from a value that is not one, so that a bad header only starts a new trace', () => {
    for (const bad of [
      undefined,
      '',
      'garbage',
      `ff-${traceId}-${spanId}-01`,
      `00-${'0'.repeat(32)}-${spanId}-01`,
      `00-${traceId}-${'0'.repeat(16)}-01`,
      `00-${traceId.toUpperCase()}-${spanId}-01`,
    ])
      expect(parseTraceparent(bad), String(bad)).toBeUndefined();
  });
});
