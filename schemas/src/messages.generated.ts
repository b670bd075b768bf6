// Generated from schemas/*.avsc by `npm run codegen`. Do not edit: change the .avsc file and regenerate.

/** Saga compensation: give back what reserve-stock held for the order (a no-op when nothing is held). */
export interface ReleaseStock {
  orderId: string;
}

/** Success reply to inventory.release-stock. Topic saga.replies, key sagaId. */
export interface ReleaseStockReply {
  /** A reservation was held and is given back. */
  released: boolean;
  /** Nothing was held: the order is voided, so a late reserve-stock is refused. */
  voided: boolean;
}

/** Saga command: hold stock for an order. Topic inventory.commands, key sagaId. Answered by inventory.reserve-stock.reply. */
export interface ReserveStock {
  orderId: string;
  items: Array<StockLine>;
}

export interface StockLine {
  productId: string;
  quantity: number;
}

/** Success reply to inventory.reserve-stock: the lines held, priced, and what they cost. Topic saga.replies, key sagaId. */
export interface ReserveStockReply {
  lines: Array<PricedLine>;
  totalCents: number;
  currency: string;
}

export interface PricedLine {
  productId: string;
  quantity: number;
  unitPriceCents: number;
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

/** Saga command: charge the order's total. Topic payments.commands, key sagaId. Answered by payments.charge.reply. */
export interface ChargePayment {
  orderId: string;
  userId: string;
  amountCents: number;
  currency: string;
  cardToken: string;
}

/** Success reply to payments.charge. Topic saga.replies, key sagaId. */
export interface ChargePaymentReply {
  paymentId: string;
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

/** Success reply to payments.refund. Topic saga.replies, key sagaId. */
export interface RefundPaymentReply {
  refunded: boolean;
  /** There was no charge: the order is voided, so a late charge is refused. */
  voided: boolean;
  paymentId?: null | string;
}

/** Topic payments.events, key orderId. */
export interface PaymentRefunded {
  paymentId: string;
  orderId: string;
  amountCents: number;
  refundedAt: string;
}

/** A participant's answer that carries no data: a refusal, or the success of a command without a reply type of its own (<command type>.reply). Topic saga.replies, key sagaId; which saga, step, action and command it answers is in its headers (saga-id, saga-step, saga-action, causation-id), as on every reply. */
export interface SagaReply {
  outcome: 'success' | 'failure';
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
  'inventory.release-stock.reply': ReleaseStockReply;
  'inventory.reserve-stock': ReserveStock;
  'inventory.reserve-stock.reply': ReserveStockReply;
  'inventory.stock-released': StockReleased;
  'inventory.stock-reserved': StockReserved;
  'inventory.stock-sold': StockSold;
  'order.cancelled': OrderCancelled;
  'order.confirmed': OrderConfirmed;
  'order.placed': OrderPlaced;
  'orders.cancel-order': CancelOrder;
  'orders.confirm-order': ConfirmOrder;
  'payments.charge': ChargePayment;
  'payments.charge.reply': ChargePaymentReply;
  'payments.charged': PaymentCharged;
  'payments.declined': PaymentDeclined;
  'payments.refund': RefundPayment;
  'payments.refund.reply': RefundPaymentReply;
  'payments.refunded': PaymentRefunded;
  'saga.reply': SagaReply;
  'user.created': UserCreated;
  'user.updated': UserUpdated;
}

export type MessageType = keyof MessageTypes;
