import { hostileTokens } from '../crafted-tokens.ts';
import type { RawRequest } from '../raw-http.ts';
import { auth, type CaseKit, registration } from './case-kit.ts';

/** A token that is forged, expired, badly signed or absent, and Authorization headers that are no Bearer token. */
export function tokenCases({ w, add, order }: CaseKit): void {
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
}
