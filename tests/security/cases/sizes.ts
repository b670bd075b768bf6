import { address, type CaseKit, userBody } from './case-kit.ts';

/** Long strings and big bodies. */
export function sizeCases({ w, add, order, asA, newcomer, adminAuth }: CaseKit): void {
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
}
