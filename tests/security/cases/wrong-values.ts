import { address, type CaseKit, registration, userBody } from './case-kit.ts';

/** Wrong types and values in bodies. */
export function wrongValueCases({ w, add, order, asA, newcomer }: CaseKit): void {
  const wrongUsers: [string, object][] = [
    ['email a number', userBody({ email: 1 })],
    ['email null', userBody({ email: null })],
    ['email a list', userBody({ email: ['a@example.com'] })],
    ['email without @', userBody({ email: 'not-an-email' })],
    ['email missing', { profile: registration.profile, preferences: registration.preferences }],
    ['profile a string', userBody({ profile: 'Ada Lovelace' })],
    ['firstName a number', userBody({ profile: { firstName: 5, lastName: 'X' } })],
    ['firstName blank', userBody({ profile: { firstName: '   ', lastName: 'X' } })],
    ['language de', userBody({ preferences: { language: 'de' } })],
    ['an id of its choosing', userBody({ id: w.b.id })],
    ['roles in the body', userBody({ roles: ['admin'] })],
    ['isAdmin in the body', userBody({ isAdmin: true })],
    ['__proto__ in the body', JSON.parse('{"__proto__":{"admin":true},"email":"p@example.com"}')],
  ];
  for (const [name, body] of wrongUsers)
    add(
      'wrong types',
      `POST /api/users: ${name}`,
      { method: 'POST', target: '/api/users', headers: newcomer, body },
      [400],
    );
  const line = (change: Record<string, unknown>) => ({
    ...order,
    items: [{ productId: w.productId, quantity: 1, ...change }],
  });
  const wrongOrders: [string, object][] = [
    ['items an object', { ...order, items: {} }],
    ['items empty', { ...order, items: [] }],
    [
      '51 items',
      { ...order, items: Array.from({ length: 51 }, () => ({ productId: w.productId, quantity: 1 })) },
    ],
    ['quantity a string', line({ quantity: '1' })],
    ['quantity 1.5', line({ quantity: 1.5 })],
    ['quantity 0', line({ quantity: 0 })],
    ['quantity -1', line({ quantity: -1 })],
    ['quantity 1001', line({ quantity: 1001 })],
    ['quantity 2^53+1', line({ quantity: 2 ** 53 + 1 })],
    ['productId not a UUID', line({ productId: 'x' })],
    ['productId a number', line({ productId: 123 })],
    ['shippingAddress missing', { items: order.items }],
    ['country of three letters', { ...order, shippingAddress: { ...address, country: 'FRA' } }],
    ['postalCode of symbols', { ...order, shippingAddress: { ...address, postalCode: '!!!' } }],
    ['paymentToken not a token', { ...order, paymentToken: 'visa' }],
  ];
  for (const [name, body] of wrongOrders)
    add(
      'wrong types',
      `POST /api/orders: ${name}`,
      { method: 'POST', target: '/api/orders', headers: asA, body },
      [400],
    );
  add(
    'wrong types',
    'POST /api/orders: quantity 1e400 (not representable)',
    {
      method: 'POST',
      target: '/api/orders',
      headers: asA,
      body: JSON.stringify(order).replace('"quantity":1', '"quantity":1e400'),
    },
    [400],
  );
  const wrongPatches: [string, object][] = [
    ['empty object', {}],
    ['empty profile', { profile: {} }],
    ['bad email', { email: 'nope' }],
    ['version in the body', { version: 3 }],
    ['id in the body', { id: w.b.id }],
  ];
  for (const [name, body] of wrongPatches)
    add(
      'wrong types',
      `PATCH /api/users/:id: ${name}`,
      { method: 'PATCH', target: `/api/users/${w.a.id}`, headers: asA, body },
      [400],
    );
  add(
    'wrong types',
    'PATCH with a bad If-Match',
    {
      method: 'PATCH',
      target: `/api/users/${w.a.id}`,
      headers: { ...asA, 'if-match': 'W/"x"' },
      body: { profile: { firstName: 'Ok' } },
    },
    [400],
  );
}
