import type { CaseKit } from './case-kit.ts';

/** Methods no route has. */
export function methodCases({ w, add, order, asA, adminAuth }: CaseKit): void {
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
}
