import { describe, expect, it } from 'vitest';
import { defineSaga } from '../src/index.ts';
import { sagaSpecification } from '../src/testing/index.ts';
import type { MessageTypes } from './schemas/messages.generated.ts';
import { BOOKING_SAGA, bookingSagaV1, bookingSagaV2 } from './support/booking-saga.ts';

const topicOf = (type: string) => (type.endsWith('.reply') ? 'replies' : 'booking.commands');
const start = { bookingId: 'b-1', passenger: 'ada' };

describe('booking saga (a typed test saga)', () => {
  const spec = sagaSpecification(bookingSagaV2(topicOf));
  const reserved = spec.replied('reserve-seat', { seat: '12A', fareCents: 9_900 });
  const charged = spec.replied('charge-fare', { receiptId: 'r-1' });

  it("charges the reserved seat's fare: what a reply adds is the next step's data", () => {
    spec
      .given(start)
      .when(reserved)
      .thenSends([
        { step: 'charge-fare', topic: 'booking.commands', data: { bookingId: 'b-1', fareCents: 9_900 } },
      ])
      .thenData({ seat: '12A', fareCents: 9_900 });
  });

  it('sends the itinerary after the ticket in version 2, and completes after it', () => {
    spec
      .given(start, [reserved, charged])
      .when(spec.replied('issue-ticket', undefined))
      .thenSends([{ step: 'send-itinerary', data: { bookingId: 'b-1', passenger: 'ada', seat: '12A' } }]);
    spec
      .given(start, [reserved, charged, spec.replied('issue-ticket', undefined)])
      .when(spec.replied('send-itinerary', undefined))
      .thenStatus('completed');
  });

  it('completes after the ticket in version 1', () => {
    const v1 = sagaSpecification(bookingSagaV1(topicOf));
    v1.given(start, [
      v1.replied('reserve-seat', { seat: '12A', fareCents: 9_900 }),
      v1.replied('charge-fare', { receiptId: 'r-1' }),
    ])
      .when(v1.replied('issue-ticket', undefined))
      .thenStatus('completed');
  });

  it('releases the seat when the fare cannot be charged', () => {
    spec
      .given(start, [reserved])
      .when(spec.refused('charge-fare', 'card declined'))
      .thenStatus('compensating')
      .thenSends([{ step: 'reserve-seat', action: 'compensation', type: 'test.release-seat' }]);
  });

  it('does not compile a step whose payload or reply field is wrong', () => {
    const base = defineSaga<MessageTypes, typeof start>(BOOKING_SAGA, { version: 9, topicOf });
    base.step('reserve-seat', {
      command: 'test.reserve-seat',
      // @ts-expect-error: passenger is a string (an undeclared extra field is refused when sent, by the catalogue)
      data: (d) => ({ bookingId: d.bookingId, passenger: 42 }),
    });
    base.step('reserve-seat', {
      command: 'test.reserve-seat',
      // @ts-expect-error: passenger is missing
      data: (d) => ({ bookingId: d.bookingId }),
    });
    base.step('reserve-seat', {
      command: 'test.reserve-seat',
      data: (d) => ({ bookingId: d.bookingId, passenger: d.passenger }),
      // @ts-expect-error: the reply of test.reserve-seat has no receiptId
      onReply: (d, reply) => ({ ...d, receipt: reply.receiptId }),
    });
    base.step('charge-fare', {
      command: 'test.charge-fare',
      // @ts-expect-error: no step before it added fareCents to the data
      data: (d) => ({ bookingId: d.bookingId, fareCents: d.fareCents }),
    });
    // @ts-expect-error: no such message type
    base.step('x', { command: 'test.no-such-command', data: () => ({}) });
    expect(base.build().steps).toEqual([]);
  });
});
