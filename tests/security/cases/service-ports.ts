import { type CaseKit, forged, type HostileCase } from './case-kit.ts';

/** Straight to the services, past the gateway, without a token. */
export function servicePortCases({ w, add }: CaseKit): void {
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
}
