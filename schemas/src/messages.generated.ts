// Generated from schemas/*.avsc by `npm run codegen`. Do not edit: change the .avsc file and regenerate.

/** Saga compensation: give back what reserve-stock held for the order (a no-op when nothing is held). */
export interface ReleaseStock {
  orderId: string;
}

/** Saga command: hold stock for an order. Topic inventory.commands, key sagaId. Success data: { lines: [{ productId, quantity, unitPriceCents }], totalCents, currency }. */
export interface ReserveStock {
  orderId: string;
  items: Array<StockLine>;
}

export interface StockLine {
  productId: string;
  quantity: number;
}

/** A reservation was given back. Topic inventory.events, key orderId. */
export interface StockReleased {
  orderId: string;
  items: Array<StockLine>;
  releasedAt: string;
}

/** Stock was held for an order. Topic inventory.events, key orderId. */
export interface StockReserved {
  orderId: string;
  items: Array<StockLine>;
  reservedAt: string;
}

/** A reservation became a sale when its order was confirmed. Topic inventory.events, key orderId. */
export interface StockSold {
  orderId: string;
  items: Array<StockLine>;
  soldAt: string;
}

/** Topic orders.events, key orderId. */
export interface OrderCancelled {
  orderId: string;
  userId: string;
  reason: string;
  cancelledAt: string;
}

/** Topic orders.events, key orderId. Inventory turns the order's reservation into a sale. */
export interface OrderConfirmed {
  orderId: string;
  userId: string;
  totalCents: number;
  currency: string;
  paymentId: string;
  confirmedAt: string;
}

/** Topic orders.events, key orderId. */
export interface OrderPlaced {
  orderId: string;
  userId: string;
  sagaId: string;
  items: Array<OrderLine>;
  shippingAddress: ShippingAddress;
  placedAt: string;
}

export interface OrderLine {
  productId: string;
  quantity: number;
}

export interface ShippingAddress {
  street: string;
  city: string;
  postalCode: string;
  country: string;
}

/** Saga compensation of confirm-order. */
export interface CancelOrder {
  orderId: string;
  reason: string;
}

/** Saga command (last step of create-order). Topic orders.commands, key sagaId. */
export interface ConfirmOrder {
  orderId: string;
  paymentId: string;
  totalCents: number;
  currency: string;
}

/** Saga command: charge the order's total. Topic payments.commands, key sagaId. Success data: { paymentId }. */
export interface ChargePayment {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  cardToken: string;
}

/** Topic payments.events, key orderId. */
export interface PaymentCharged {
  paymentId: string;
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  chargedAt: string;
}

/** The provider declined a charge. Topic payments.events, key orderId. */
export interface PaymentDeclined {
  orderId: string;
  userId: string;
  amountCents: number;
  reason: string;
  declinedAt: string;
}

/** Saga compensation: refund the order's charge (a no-op when it was never charged). */
export interface RefundPayment {
  orderId: string;
}

/** Topic payments.events, key orderId. */
export interface PaymentRefunded {
  paymentId: string;
  orderId: string;
  amountCents: number;
  refundedAt: string;
}

/** A participant's answer to a saga command or compensation. Topic saga.replies, key sagaId. */
export interface SagaReply {
  sagaId: string;
  step: string;
  action: 'command' | 'compensation';
  commandId: string;
  outcome: 'success' | 'failure';
  /** The participant's result as JSON: its shape differs per step, so one reply schema carries them all. */
  dataJson?: string;
  /** Why the participant refused. */
  reason?: null | string;
}

/** A user registered. Topic users.events, key userId. */
export interface UserCreated {
  userId: string;
  /** Normalised: trimmed and lower-cased. */
  email: string;
  firstName: string;
  lastName: string;
  language: 'en' | 'es' | 'fr';
  /** ISO 8601 instant. */
  createdAt: string;
}

/** A user's profile or preferences changed; only the changed fields are set. */
export interface UserUpdated {
  userId: string;
  changes: UserChanges;
  /** ISO 8601 instant. */
  updatedAt: string;
}

export interface UserChanges {
  email?: null | string;
  firstName?: null | string;
  lastName?: null | string;
  language?: null | 'en' | 'es' | 'fr';
}

/** Every message type and the shape of its data. */
export interface MessageTypes {
  'inventory.release-stock': ReleaseStock;
  'inventory.reserve-stock': ReserveStock;
  'inventory.stock-released': StockReleased;
  'inventory.stock-reserved': StockReserved;
  'inventory.stock-sold': StockSold;
  'order.cancelled': OrderCancelled;
  'order.confirmed': OrderConfirmed;
  'order.placed': OrderPlaced;
  'orders.cancel-order': CancelOrder;
  'orders.confirm-order': ConfirmOrder;
  'payments.charge': ChargePayment;
  'payments.charged': PaymentCharged;
  'payments.declined': PaymentDeclined;
  'payments.refund': RefundPayment;
  'payments.refunded': PaymentRefunded;
  'saga.reply': SagaReply;
  'user.created': UserCreated;
  'user.updated': UserUpdated;
}

export type MessageType = keyof MessageTypes;
