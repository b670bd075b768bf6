import { hostileTokens } from './crafted-tokens.ts';
import type { RawRequest } from './raw-http.ts';

/** One hostile request and the answers that count as refusing it correctly. */
export interface HostileCase {
  category: string;
  name: string;
  /** Where it goes: through the gateway, or straight to a service port. */
  target: 'gateway' | 'users' | 'orders' | 'inventory' | 'payments';
  request: RawRequest;
  expect: readonly number[];
}

/** The callers and records the cases aim at (A and B are users with an order each). */
export interface SecurityWorld {
  a: { id: string; token: string; orderId: string; sagaId: string };
  b: { id: string; token: string; orderId: string; sagaId: string };
  /** A valid token of someone with no user record yet: bad registrations must not create it. */
  newcomer: { id: string; token: string };
  adminToken: string;
  productId: string;
  paymentOfB: string;
}

const auth = (token: string) => ({ authorization: `Bearer ${token}` });
const address = { street: '1 Main Street', city: 'Lyon', postalCode: '69001', country: 'FR' };
const registration = {
  email: 'newcomer@example.com',
  profile: { firstName: 'New', lastName: 'Comer' },
  preferences: { language: 'en' },
};

/** Every case of the suite; names are unique within a category. */
export function hostileCases(w: SecurityWorld): HostileCase[] {
  const order = { items: [{ productId: w.productId, quantity: 1 }], shippingAddress: address };
  const cases: HostileCase[] = [];
  const add = (
    category: string,
    name: string,
    request: RawRequest,
    expect: readonly number[],
    target: HostileCase['target'] = 'gateway',
  ) => cases.push({ category, name, target, request, expect });

  // Tokens: each refused on a read, a write and an admin route; a write that slipped through would show in the row counts.
  const tokenRoutes: [string, RawRequest][] = [
    ['GET own user', { method: 'GET', target: `/api/users/${w.a.id}` }],
    ['GET own order', { method: 'GET', target: `/api/orders/${w.a.orderId}` }],
    ['POST order', { method: 'POST', target: '/api/orders', body: order }],
    ['GET admin sagas', { method: 'GET', target: '/admin/sagas' }],
  ];
  for (const { name, token } of hostileTokens(w.a.id))
    for (const [route, request] of tokenRoutes)
      add('token', `${name} → ${route}`, { ...request, headers: auth(token) }, [401]);
  for (const [name, value] of [
    ['Basic scheme', 'Basic dXNlcjpwYXNzd29yZA=='],
    ['Bearer without token', 'Bearer'],
    ['Bearer and a space', 'Bearer '],
    ['two tokens', `Bearer ${w.a.token} ${w.a.token}`],
    ['token without scheme', w.a.token],
    ['token with a NUL', `Bearer ${w.a.token.slice(0, 10)}%00${w.a.token.slice(10)}`],
  ] as const)
    add(
      'authorization header',
      name,
      { method: 'GET', target: `/api/users/${w.a.id}`, headers: { authorization: value } },
      [401],
    );
  add(
    'authorization header',
    'token in the query string',
    { method: 'GET', target: `/api/users/${w.a.id}?access_token=${w.a.token}` },
    [400, 401],
  );

  // No token at all, on every route that needs one.
  const protectedRoutes: [string, RawRequest][] = [
    ['POST /api/users', { method: 'POST', target: '/api/users', body: registration }],
    ['GET /api/users/:id', { method: 'GET', target: `/api/users/${w.a.id}` }],
    [
      'PATCH /api/users/:id',
      { method: 'PATCH', target: `/api/users/${w.a.id}`, body: { profile: { firstName: 'X' } } },
    ],
    ['GET /api/users/:id/orders', { method: 'GET', target: `/api/users/${w.a.id}/orders` }],
    ['POST /api/orders', { method: 'POST', target: '/api/orders', body: order }],
    ['GET /api/orders/:id', { method: 'GET', target: `/api/orders/${w.a.orderId}` }],
    ['GET /admin/sagas', { method: 'GET', target: '/admin/sagas' }],
    ['GET /admin/sagas/:id', { method: 'GET', target: `/admin/sagas/${w.a.sagaId}` }],
    ['POST /admin/sagas/:id/retry', { method: 'POST', target: `/admin/sagas/${w.a.sagaId}/retry`, body: {} }],
    ['POST /admin/sagas/:id/abort', { method: 'POST', target: `/admin/sagas/${w.a.sagaId}/abort`, body: {} }],
    [
      'POST /admin/sagas/:id/compensations/replay',
      { method: 'POST', target: `/admin/sagas/${w.a.sagaId}/compensations/replay`, body: {} },
    ],
  ];
  for (const [name, request] of protectedRoutes) add('no token', name, request, [401]);

  // Identity claimed in headers instead of a token.
  const forged = (id: string, roles = 'user,admin') => ({ 'x-user-id': id, 'x-user-roles': roles });
  add(
    'forged identity headers',
    'no token, x-user-id of A',
    { method: 'GET', target: `/api/users/${w.a.id}`, headers: forged(w.a.id) },
    [401],
  );
  add(
    'forged identity headers',
    'no token, x-user-roles admin',
    { method: 'GET', target: '/admin/sagas', headers: forged(w.a.id) },
    [401],
  );
  add(
    'forged identity headers',
    "A's token, x-user-id of B → B's user",
    { method: 'GET', target: `/api/users/${w.b.id}`, headers: { ...auth(w.a.token), ...forged(w.b.id) } },
    [404],
  );
  add(
    'forged identity headers',
    "A's token, x-user-id of B → B's orders",
    {
      method: 'GET',
      target: `/api/users/${w.b.id}/orders`,
      headers: { ...auth(w.a.token), ...forged(w.b.id) },
    },
    [404],
  );
  add(
    'forged identity headers',
    "A's token, x-user-id of B → B's order",
    {
      method: 'GET',
      target: `/api/orders/${w.b.orderId}`,
      headers: { ...auth(w.a.token), ...forged(w.b.id) },
    },
    [404],
  );
  add(
    'forged identity headers',
    "A's token, x-user-roles admin → admin list",
    { method: 'GET', target: '/admin/sagas', headers: { ...auth(w.a.token), ...forged(w.a.id, 'admin') } },
    [403],
  );
  add(
    'forged identity headers',
    "A's token, X-User-Roles admin (case) → saga",
    {
      method: 'GET',
      target: `/admin/sagas/${w.b.sagaId}`,
      headers: { ...auth(w.a.token), 'X-User-Roles': 'admin' },
    },
    [403],
  );
  add(
    'forged identity headers',
    "A's token, x-forwarded-for and x-real-ip",
    {
      method: 'GET',
      target: `/api/users/${w.b.id}`,
      headers: { ...auth(w.a.token), 'x-forwarded-for': '127.0.0.1', 'x-real-ip': '127.0.0.1' },
    },
    [404],
  );

  // Another user's records, with a valid token of A.
  const asA = auth(w.a.token);
  add(
    "another user's ids",
    "GET B's user",
    { method: 'GET', target: `/api/users/${w.b.id}`, headers: asA },
    [404],
  );
  add(
    "another user's ids",
    "PATCH B's user",
    {
      method: 'PATCH',
      target: `/api/users/${w.b.id}`,
      headers: asA,
      body: { profile: { firstName: 'Mallory' } },
    },
    [404],
  );
  add(
    "another user's ids",
    "PATCH B's user with If-Match",
    {
      method: 'PATCH',
      target: `/api/users/${w.b.id}`,
      headers: { ...asA, 'if-match': '"1"' },
      body: { email: 'mallory@example.com' },
    },
    [404],
  );
  add(
    "another user's ids",
    "GET B's order list",
    { method: 'GET', target: `/api/users/${w.b.id}/orders`, headers: asA },
    [404],
  );
  add(
    "another user's ids",
    "GET B's order list, page 2",
    { method: 'GET', target: `/api/users/${w.b.id}/orders?page=2&limit=1`, headers: asA },
    [404],
  );
  add(
    "another user's ids",
    "GET B's order",
    { method: 'GET', target: `/api/orders/${w.b.orderId}`, headers: asA },
    [404],
  );
  add(
    "another user's ids",
    'POST an order for B (userId in the body)',
    { method: 'POST', target: '/api/orders', headers: asA, body: { ...order, userId: w.b.id } },
    [400, 403],
  );
  add(
    "another user's ids",
    'register A a second time',
    {
      method: 'POST',
      target: '/api/users',
      headers: asA,
      body: { ...registration, email: 'again@example.com' },
    },
    [409],
  );
  add(
    "another user's ids",
    "GET B's saga (admin route)",
    { method: 'GET', target: `/admin/sagas/${w.b.sagaId}`, headers: asA },
    [403],
  );
  add(
    "another user's ids",
    "retry B's saga",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/retry`, headers: asA, body: {} },
    [403],
  );
  add(
    "another user's ids",
    "abort B's saga",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/abort`, headers: asA, body: {} },
    [403],
  );
  add(
    "another user's ids",
    "replay B's compensations",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/compensations/replay`, headers: asA, body: {} },
    [403],
  );
  add(
    "another user's ids",
    "B's payment at payments without admin",
    { method: 'GET', target: `/payments/${w.paymentOfB}`, headers: asA },
    [404],
    'payments',
  );
  add(
    "another user's ids",
    'payments list without admin',
    { method: 'GET', target: '/payments', headers: asA },
    [403],
    'payments',
  );
  add(
    "another user's ids",
    'directory without admin',
    { method: 'GET', target: '/directory', headers: asA },
    [403],
    'users',
  );

  // Bodies that are not JSON objects, on each write route.
  const newcomer = auth(w.newcomer.token);
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

  // Wrong types and values in bodies.
  const userBody = (change: Record<string, unknown>) => ({ ...registration, ...change });
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

  // Numbers and unknown names in query strings.
  const adminAuth = auth(w.adminToken);
  const queries: [string, string, Record<string, string>][] = [
    ['products page -1', '/api/products?page=-1', {}],
    ['products page 0', '/api/products?page=0', {}],
    ['products page 1.5', '/api/products?page=1.5', {}],
    ['products page 1e3', '/api/products?page=1e3', {}],
    ['products page of 20 digits', '/api/products?page=99999999999999999999', {}],
    ['products page abc', '/api/products?page=abc', {}],
    ['products page twice', '/api/products?page=1&page=2', {}],
    ['products limit 0', '/api/products?limit=0', {}],
    ['products limit 101', '/api/products?limit=101', {}],
    ['products limit -5', '/api/products?limit=-5', {}],
    ['products unknown parameter', '/api/products?pgae=2', {}],
    ['product unknown parameter', `/api/products/${w.productId}?debug=1`, {}],
    ['order list page -1', `/api/users/${w.a.id}/orders?page=-1`, asA],
    ['order list limit 1000', `/api/users/${w.a.id}/orders?limit=1000`, asA],
    ['order list unknown parameter', `/api/users/${w.a.id}/orders?userId=${w.b.id}`, asA],
    ['user unknown parameter', `/api/users/${w.a.id}?expand=all`, asA],
    ['order unknown parameter', `/api/orders/${w.a.orderId}?userId=${w.b.id}`, asA],
    ['sagas limit 0', '/admin/sagas?limit=0', adminAuth],
    ['sagas limit 201', '/admin/sagas?limit=201', adminAuth],
    ['sagas minAgeMs -1', '/admin/sagas?minAgeMs=-1', adminAuth],
    ['sagas status bogus', '/admin/sagas?status=bogus', adminAuth],
    ['sagas cursor of symbols', '/admin/sagas?cursor=!!!', adminAuth],
    ['sagas unknown filter', '/admin/sagas?staus=failed', adminAuth],
  ];
  for (const [name, target, headers] of queries)
    add('query numbers and names', name, { method: 'GET', target, headers }, [400]);

  // Long strings and big bodies.
  const long = (n: number) => 'a'.repeat(n);
  add(
    'long strings',
    'firstName of 101',
    {
      method: 'POST',
      target: '/api/users',
      headers: newcomer,
      body: userBody({ profile: { firstName: long(101), lastName: 'X' } }),
    },
    [400],
  );
  add(
    'long strings',
    'lastName of 10,000',
    {
      method: 'POST',
      target: '/api/users',
      headers: newcomer,
      body: userBody({ profile: { firstName: 'X', lastName: long(10_000) } }),
    },
    [400],
  );
  add(
    'long strings',
    'email of 300',
    {
      method: 'POST',
      target: '/api/users',
      headers: newcomer,
      body: userBody({ email: `${long(290)}@example.com` }),
    },
    [400],
  );
  add(
    'long strings',
    'street of 201',
    {
      method: 'POST',
      target: '/api/orders',
      headers: asA,
      body: { ...order, shippingAddress: { ...address, street: long(201) } },
    },
    [400],
  );
  add(
    'long strings',
    'Idempotency-Key of 129',
    { method: 'POST', target: '/api/orders', headers: { ...asA, 'idempotency-key': long(129) }, body: order },
    [400],
  );
  add(
    'long strings',
    'saga type filter of 201',
    { method: 'GET', target: `/admin/sagas?type=${long(201)}`, headers: adminAuth },
    [400],
  );
  add(
    'long strings',
    'abort reason of 501',
    {
      method: 'POST',
      target: `/admin/sagas/${w.b.sagaId}/abort`,
      headers: adminAuth,
      body: { reason: long(501) },
    },
    [400],
  );
  add(
    'long strings',
    'body of 100 kB',
    { method: 'POST', target: '/api/users', headers: newcomer, body: userBody({ padding: long(100_000) }) },
    [413],
  );
  add(
    'long strings',
    'path segment of 5,000',
    { method: 'GET', target: `/api/users/${long(5_000)}`, headers: asA },
    [400, 404, 414, 431],
  );

  // Control characters in every kind of string field.
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

  // Paths that try to leave their route: none may reach an admin route or another user's record.
  const traversal = [
    '/api/products/%2e%2e/%2e%2e/admin/sagas',
    '/api/products/..%2f..%2fadmin%2fsagas',
    '/api/products/%2e%2e%2f%2e%2e%2fadmin%2fsagas',
    '/api/products/..%5c..%5cadmin%5csagas',
    '/api/products/..\\..\\admin\\sagas',
    '/api/products/%252e%252e%252fadmin%252fsagas',
    '/api/products/../../admin/sagas',
    '/api/products/./../../admin/sagas',
    '/api/products/%c0%ae%c0%ae/admin/sagas',
    '/api/products;/../admin/sagas',
    '/api/products/%00/../admin/sagas',
    '/api/products%3F/../admin/sagas',
    '//admin/sagas',
    '/admin/sagas/..%2f..%2fapi%2fproducts',
    `/api/users/${w.a.id}/..%2f..%2fadmin%2fsagas`,
  ];
  for (const target of traversal) {
    add('path traversal', `anonymous ${target}`, { method: 'GET', target }, [400, 401, 404]);
    add('path traversal', `user ${target}`, { method: 'GET', target, headers: asA }, [400, 403, 404]);
  }
  for (const target of [
    `/api/users/${w.a.id}%2f..%2f${w.b.id}`,
    `/api/users/${w.a.id}/..%2f${w.b.id}`,
    `/api/users/${w.a.id}/../${w.b.id}`,
    `/api/users/${w.a.id}%3Fid=${w.b.id}`,
    `/api/users/${w.b.id}%23`,
    `/api/orders/${w.a.orderId}/..%2f${w.b.orderId}`,
    `/api/users/${w.a.id}/orders/..%2f..%2f${w.b.id}%2forders`,
  ])
    add('path traversal', `A towards B: ${target}`, { method: 'GET', target, headers: asA }, [400, 404]);

  // Hop-by-hop and Expect headers from an anonymous caller: never forwarded, never held against the upstream.
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

  // Methods no route has.
  add(
    'methods',
    'DELETE a user',
    { method: 'DELETE', target: `/api/users/${w.a.id}`, headers: asA },
    [404, 405],
  );
  add(
    'methods',
    'PUT an order',
    { method: 'PUT', target: `/api/orders/${w.a.orderId}`, headers: asA, body: order },
    [404, 405],
  );
  add(
    'methods',
    'DELETE a saga',
    { method: 'DELETE', target: `/admin/sagas/${w.b.sagaId}`, headers: adminAuth },
    [404, 405],
  );
  add('methods', 'TRACE products', { method: 'TRACE', target: '/api/products' }, [400, 404, 405]);

  // Straight to the services, past the gateway, without a token.
  const direct: [HostileCase['target'], string, string][] = [
    ['users', 'POST', '/users'],
    ['users', 'GET', `/users/${w.a.id}`],
    ['users', 'PATCH', `/users/${w.a.id}`],
    ['users', 'GET', '/directory'],
    ['orders', 'POST', '/orders'],
    ['orders', 'GET', `/orders/${w.a.orderId}`],
    ['orders', 'GET', `/users/${w.a.id}/orders`],
    ['orders', 'GET', '/admin/sagas'],
    ['orders', 'GET', `/admin/sagas/${w.a.sagaId}`],
    ['orders', 'POST', `/admin/sagas/${w.a.sagaId}/retry`],
    ['orders', 'POST', `/admin/sagas/${w.a.sagaId}/abort`],
    ['orders', 'POST', `/admin/sagas/${w.a.sagaId}/compensations/replay`],
    ['inventory', 'GET', `/products/${w.productId}/stock`],
    ['inventory', 'GET', `/stock-view/${w.productId}`],
    ['payments', 'GET', '/payments'],
    ['payments', 'GET', `/payments/${w.paymentOfB}`],
  ];
  for (const [service, method, target] of direct) {
    const body = method === 'GET' ? undefined : {};
    add(
      'service port without token',
      `${service} ${method} ${target}`,
      { method, target, ...(body ? { body } : {}) },
      [401],
      service,
    );
    add(
      'service port, forged headers',
      `${service} ${method} ${target}`,
      { method, target, headers: forged(w.a.id), ...(body ? { body } : {}) },
      [401],
      service,
    );
  }
  return cases;
}
