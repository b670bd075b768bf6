import type { SagaKey } from '../../src/index.ts';
import { defineSaga } from '../../src/index.ts';
import type { MessageTypes } from '../schemas/messages.generated.ts';

export interface BookingStart {
  bookingId: string;
  passenger: string;
}

export const BOOKING_SAGA: SagaKey<BookingStart> = { type: 'booking' };

const timing = { resend: { initialDelayMs: 2_000, maxDelayMs: 4_000 }, deadlineMs: 60_000 };

/** Version 1: reserve a seat (its reply adds seat and fare), charge the fare (adds the receipt), issue the ticket. */
function bookingV1Steps(version: number, topicOf: (type: keyof MessageTypes) => string) {
  return defineSaga<MessageTypes, BookingStart>(BOOKING_SAGA, { version, topicOf })
    .step('reserve-seat', {
      command: 'test.reserve-seat',
      data: (d) => ({ bookingId: d.bookingId, passenger: d.passenger }),
      compensation: { type: 'test.release-seat', data: (d) => ({ bookingId: d.bookingId }) },
      onReply: (d, reply) => ({ ...d, seat: reply.seat, fareCents: reply.fareCents }),
      ...timing,
    })
    .step('charge-fare', {
      command: 'test.charge-fare',
      data: (d) => ({ bookingId: d.bookingId, fareCents: d.fareCents }),
      onReply: (d, reply) => ({ ...d, receiptId: reply.receiptId }),
      ...timing,
    })
    .step('issue-ticket', {
      command: 'test.issue-ticket',
      data: (d) => ({ bookingId: d.bookingId, seat: d.seat, receiptId: d.receiptId }),
      ...timing,
    });
}

export const bookingSagaV1 = (topicOf: (type: keyof MessageTypes) => string) =>
  bookingV1Steps(1, topicOf).build();

/** Version 2 adds a fourth step: this `.step` (and its .avsc) is all the saga's side of the change. */
export const bookingSagaV2 = (topicOf: (type: keyof MessageTypes) => string) =>
  bookingV1Steps(2, topicOf)
    .step('send-itinerary', {
      command: 'test.send-itinerary',
      data: (d) => ({ bookingId: d.bookingId, passenger: d.passenger, seat: d.seat }),
      ...timing,
    })
    .build();
