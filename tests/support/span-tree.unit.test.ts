import type { ZipkinSpan } from '@conveyor/infra-local';
import { describe, expect, it } from 'vitest';
import { orphanSpans, renderSpanTree, spanTree } from './span-tree.ts';

const span = (id: string, parentId: string | undefined, name: string, timestamp: number): ZipkinSpan => ({
  traceId: 't',
  id,
  ...(parentId ? { parentId } : {}),
  name,
  timestamp,
  duration: 1500,
  localEndpoint: { serviceName: 'orders' },
});

describe('span tree of a Zipkin trace', () => {
  it('nests children under their parents in start order', () => {
    const roots = spanTree([
      span('c', 'a', 'second', 3),
      span('a', undefined, 'root', 1),
      span('b', 'a', 'first', 2),
    ]);
    expect(renderSpanTree(roots)).toBe(
      ['orders     root  1.5 ms', '  orders     first  1.5 ms', '  orders     second  1.5 ms'].join('\n'),
    );
  });

  it('treats a span whose parent is missing as an orphan root', () => {
    const spans = [span('a', undefined, 'root', 1), span('b', 'lost', 'consume', 2)];
    expect(spanTree(spans).map((node) => node.span.id)).toEqual(['a', 'b']);
    expect(orphanSpans(spans).map((s) => s.id)).toEqual(['b']);
  });
});
