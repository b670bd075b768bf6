import { auth, type CaseKit, forged } from './case-kit.ts';

/** Identity claimed in headers instead of a token. */
export function forgedIdentityCases({ w, add }: CaseKit): void {
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
    [401],
  );
  add(
    'forged identity headers',
    "A's token, X-User-Roles admin (case) → saga",
    {
      method: 'GET',
      target: `/admin/sagas/${w.b.sagaId}`,
      headers: { ...auth(w.a.token), 'X-User-Roles': 'admin' },
    },
    [401],
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
}
