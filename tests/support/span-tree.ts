import type { ZipkinSpan } from '@conveyor/infra-local';

/** One span of a trace with its children, in start order. */
export interface SpanNode {
  span: ZipkinSpan;
  children: SpanNode[];
}

/** A trace as a forest: roots are spans whose parent is absent from the trace (orphans included). */
export function spanTree(spans: readonly ZipkinSpan[]): SpanNode[] {
  const nodes = new Map(spans.map((span) => [span.id, { span, children: [] as SpanNode[] }]));
  const roots: SpanNode[] = [];
  for (const node of nodes.values()) {
    const parent = node.span.parentId === undefined ? undefined : nodes.get(node.span.parentId);
    (parent ? parent.children : roots).push(node);
  }
  const byStart = (a: SpanNode, b: SpanNode) => (a.span.timestamp ?? 0) - (b.span.timestamp ?? 0);
  const sort = (list: SpanNode[]) => {
    list.sort(byStart);
    for (const node of list) sort(node.children);
  };
  sort(roots);
  return roots;
}

/** Spans that name a parent the trace does not hold: a hop whose context was lost on the way. */
export function orphanSpans(spans: readonly ZipkinSpan[]): ZipkinSpan[] {
  const ids = new Set(spans.map((span) => span.id));
  return spans.filter((span) => span.parentId !== undefined && !ids.has(span.parentId));
}

/** `service  span name  12.3 ms`, indented by depth: the span tree of one trace as text. */
export function renderSpanTree(roots: readonly SpanNode[]): string {
  const lines: string[] = [];
  const walk = (node: SpanNode, depth: number) => {
    const service = node.span.localEndpoint?.serviceName ?? '?';
    const ms = ((node.span.duration ?? 0) / 1000).toFixed(1);
    lines.push(`${'  '.repeat(depth)}${service.padEnd(10)} ${node.span.name ?? '(unnamed)'}  ${ms} ms`);
    for (const child of node.children) walk(child, depth + 1);
  };
  for (const root of roots) walk(root, 0);
  return lines.join('\n');
}
