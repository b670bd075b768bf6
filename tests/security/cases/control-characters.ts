import { address, type CaseKit, userBody } from './case-kit.ts';

/** Control characters in every kind of string field. */
export function controlCharacterCases({ w, add, order, asA, newcomer, adminAuth }: CaseKit): void {
  const controls: [string, string][] = [
    ['NUL', '\u0000'],
    ['BEL', '\u0007'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['newline', '\n'],
  ];
  for (const [char, c] of controls) {
    add(
      'control characters',
      `firstName with ${char}`,
      {
        method: 'POST',
        target: '/api/users',
        headers: newcomer,
        body: userBody({ profile: { firstName: `Ad${c}a`, lastName: 'X' } }),
      },
      [400],
    );
    add(
      'control characters',
      `lastName with ${char}`,
      {
        method: 'PATCH',
        target: `/api/users/${w.a.id}`,
        headers: asA,
        body: { profile: { lastName: `Love${c}lace` } },
      },
      [400],
    );
    add(
      'control characters',
      `email with ${char}`,
      {
        method: 'POST',
        target: '/api/users',
        headers: newcomer,
        body: userBody({ email: `new${c}comer@example.com` }),
      },
      [400],
    );
    add(
      'control characters',
      `street with ${char}`,
      {
        method: 'POST',
        target: '/api/orders',
        headers: asA,
        body: { ...order, shippingAddress: { ...address, street: `1 Main${c} Street` } },
      },
      [400],
    );
    add(
      'control characters',
      `city with ${char}`,
      {
        method: 'POST',
        target: '/api/orders',
        headers: asA,
        body: { ...order, shippingAddress: { ...address, city: `Ly${c}on` } },
      },
      [400],
    );
    add(
      'control characters',
      `abort reason with ${char}`,
      {
        method: 'POST',
        target: `/admin/sagas/${w.b.sagaId}/abort`,
        headers: adminAuth,
        body: { reason: `why${c}` },
      },
      [400],
    );
    add(
      'control characters',
      `saga type filter with ${char}`,
      {
        method: 'GET',
        target: `/admin/sagas?type=${encodeURIComponent(`create${c}order`)}`,
        headers: adminAuth,
      },
      [400],
    );
  }
  add(
    'control characters',
    'trailing NUL after spaces',
    {
      method: 'PATCH',
      target: `/api/users/${w.a.id}`,
      headers: asA,
      body: { profile: { firstName: 'Ada \u0000' } },
    },
    [400],
  );
}
