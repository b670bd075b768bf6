import type { CaseKit } from './case-kit.ts';

/** Hop-by-hop and Expect headers from an anonymous caller: never forwarded, never held against the upstream. */
export function hopByHopCases({ add, order, asA }: CaseKit): void {
  const hop: [string, Record<string, string>][] = [
    ['Keep-Alive', { connection: 'keep-alive', 'keep-alive': 'timeout=5' }],
    ['Keep-Alive with close', { 'keep-alive': 'timeout=5, max=1000' }],
    ['Connection naming a header', { connection: 'close, x-secret', 'x-secret': '1' }],
    [
      'Upgrade h2c',
      { connection: 'Upgrade, HTTP2-Settings', upgrade: 'h2c', 'http2-settings': 'AAMAAABkAAQAAP__' },
    ],
    ['Upgrade websocket', { connection: 'close', upgrade: 'websocket' }],
    ['TE trailers', { te: 'trailers' }],
    ['TE gzip', { te: 'gzip' }],
    ['Trailer', { trailer: 'x-checksum' }],
    ['Proxy-Authorization', { 'proxy-authorization': 'Basic dXNlcjpwYXNz' }],
    ['Proxy-Connection', { 'proxy-connection': 'keep-alive' }],
    ['Expect 100-continue', { expect: '100-continue' }],
    ['Expect something else', { expect: 'x-magic' }],
  ];
  for (const [name, headers] of hop)
    add(
      'hop-by-hop and expect',
      name,
      { method: 'GET', target: '/api/products?limit=1', headers },
      [200, 400, 417],
    );
  add(
    'hop-by-hop and expect',
    'Expect on a write',
    {
      method: 'POST',
      target: '/api/orders',
      headers: { ...asA, expect: '100-continue' },
      body: { ...order, items: [] },
    },
    [400, 417],
  );
}
