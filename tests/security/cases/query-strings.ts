import type { CaseKit } from './case-kit.ts';

/** Numbers and unknown names in query strings. */
export function queryStringCases({ w, add, asA, adminAuth }: CaseKit): void {
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
}
