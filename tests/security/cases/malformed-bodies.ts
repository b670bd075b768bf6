import type { CaseKit } from './case-kit.ts';

/** Bodies that are not JSON objects, on each write route. */
export function malformedBodyCases({ w, add, asA, newcomer }: CaseKit): void {
  const writes: [string, string, Record<string, string>][] = [
    ['POST /api/users', '/api/users', newcomer],
    ['POST /api/orders', '/api/orders', asA],
    ['PATCH /api/users/:id', `/api/users/${w.a.id}`, asA],
  ];
  const badJson = [
    '{',
    '{"email":',
    '[]',
    'null',
    '"text"',
    '123',
    'true',
    '{"a":1,}',
    "{'a':1}",
    '{"a":1}{"b":2}',
    '\u0000',
  ];
  for (const [route, target, headers] of writes) {
    const method = route.split(' ')[0] as string;
    for (const body of badJson)
      add('bad json', `${route}: ${JSON.stringify(body)}`, { method, target, headers, body }, [400]);
    add(
      'bad json',
      `${route}: nested 20,000 deep`,
      { method, target, headers, body: `{"email":${'['.repeat(20_000)}${']'.repeat(20_000)}}` },
      [400],
    );
    add(
      'bad json',
      `${route}: empty body`,
      { method, target, headers: { ...headers, 'content-type': 'application/json' }, body: '' },
      [400],
    );
    add(
      'bad json',
      `${route}: text/plain`,
      { method, target, headers: { ...headers, 'content-type': 'text/plain' }, body: '{}' },
      [400, 415],
    );
    add(
      'bad json',
      `${route}: form encoded`,
      {
        method,
        target,
        headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
        body: 'a=1',
      },
      [400, 415],
    );
  }
}
