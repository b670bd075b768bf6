import type { CaseKit } from './case-kit.ts';

/** Paths that try to leave their route: none may reach an admin route or another user's record. */
export function pathCases({ w, add, asA }: CaseKit): void {
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
    add('path traversal', `user ${target}`, { method: 'GET', target, headers: asA }, [400, 401, 403, 404]);
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
}
