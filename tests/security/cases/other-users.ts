import { type CaseKit, registration } from './case-kit.ts';

/** Another user's records, with a valid token of A. */
export function otherUsersCases({ w, add, order, asA }: CaseKit): void {
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
    [401],
  );
  add(
    "another user's ids",
    "retry B's saga",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/retry`, headers: asA, body: {} },
    [401],
  );
  add(
    "another user's ids",
    "abort B's saga",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/abort`, headers: asA, body: {} },
    [401],
  );
  add(
    "another user's ids",
    "replay B's compensations",
    { method: 'POST', target: `/admin/sagas/${w.b.sagaId}/compensations/replay`, headers: asA, body: {} },
    [401],
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
}
