import type { RawRequest } from '../raw-http.ts';

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

export type AddCase = (
  category: string,
  name: string,
  request: RawRequest,
  expect: readonly number[],
  target?: HostileCase['target'],
) => void;

/** What every table of cases is written with: the world, `add`, and the callers' headers and a valid order. */
export interface CaseKit {
  w: SecurityWorld;
  add: AddCase;
  order: { items: { productId: string; quantity: number }[]; shippingAddress: typeof address };
  asA: Record<string, string>;
  newcomer: Record<string, string>;
  adminAuth: Record<string, string>;
}

export const auth = (token: string) => ({ authorization: `Bearer ${token}` });
export const address = { street: '1 Main Street', city: 'Lyon', postalCode: '69001', country: 'FR' };
export const registration = {
  email: 'newcomer@example.com',
  profile: { firstName: 'New', lastName: 'Comer' },
  preferences: { language: 'en' },
};
/** A registration with some of its fields changed. */
export const userBody = (change: Record<string, unknown>) => ({ ...registration, ...change });
/** Identity claimed in headers, as a caller without a (matching) token might. */
export const forged = (id: string, roles = 'user,admin') => ({ 'x-user-id': id, 'x-user-roles': roles });

/** Runs each table against one world and returns their cases in order. */
export function collectCases(w: SecurityWorld, tables: readonly ((kit: CaseKit) => void)[]): HostileCase[] {
  const cases: HostileCase[] = [];
  const kit: CaseKit = {
    w,
    add: (category, name, request, expect, target = 'gateway') =>
      cases.push({ category, name, target, request, expect }),
    order: { items: [{ productId: w.productId, quantity: 1 }], shippingAddress: address },
    asA: auth(w.a.token),
    newcomer: auth(w.newcomer.token),
    adminAuth: auth(w.adminToken),
  };
  for (const table of tables) table(kit);
  return cases;
}
