// Generated from packages/saga/test/schemas/*.avsc by `npm run codegen`. Do not edit: change the .avsc file and regenerate.

/** Booking saga (test): charge the seat's fare. */
export interface ChargeFare {
  bookingId: string;
  fareCents: number;
}

/** Success reply of test.charge-fare. */
export interface ChargeFareReply {
  receiptId: string;
}

/** Booking saga (test): issue the ticket. */
export interface IssueTicket {
  bookingId: string;
  seat: string;
  receiptId: string;
}

/** Compensation of test.reserve-seat. */
export interface ReleaseSeat {
  bookingId: string;
}

/** Booking saga (test): hold a seat for the passenger. */
export interface ReserveSeat {
  bookingId: string;
  passenger: string;
}

/** Success reply of test.reserve-seat. */
export interface ReserveSeatReply {
  seat: string;
  fareCents: number;
}

/** Test-only command sent by the test saga to its participants. */
export interface SagaStepCommand {
  subject: string;
  step: string;
  amount: number;
  /** A secret from the saga's secrets, when it has one */
  pin?: null | string;
}

/** Test-only success reply of test.saga-step. */
export interface SagaStepReply {
  receipt: string;
}

/** Test-only compensation sent by the test saga to its participants. */
export interface SagaUndoCommand {
  subject: string;
  step: string;
}

/** Booking saga (test), from version 2: send the passenger the itinerary. */
export interface SendItinerary {
  bookingId: string;
  passenger: string;
  seat: string;
}

/** Every message type and the shape of its data. */
export interface MessageTypes {
  'test.charge-fare': ChargeFare;
  'test.charge-fare.reply': ChargeFareReply;
  'test.issue-ticket': IssueTicket;
  'test.release-seat': ReleaseSeat;
  'test.reserve-seat': ReserveSeat;
  'test.reserve-seat.reply': ReserveSeatReply;
  'test.saga-step': SagaStepCommand;
  'test.saga-step.reply': SagaStepReply;
  'test.saga-undo': SagaUndoCommand;
  'test.send-itinerary': SendItinerary;
}

export type MessageType = keyof MessageTypes;
