import type { MessageType } from './messages.generated.ts';

// The test messages' topic catalogue, as schemas/src/topics.ts is the shop's. Regenerate the types
// next to it with: npx tsx packages/events/src/codec/codegen-cli.ts --schemas packages/saga/test/schemas --out packages/saga/test/schemas/messages.generated.ts
const BOOKING_TOPICS = {
  commands: [
    'test.reserve-seat',
    'test.release-seat',
    'test.charge-fare',
    'test.issue-ticket',
    'test.send-itinerary',
  ],
  replies: ['test.reserve-seat.reply', 'test.charge-fare.reply'],
} as const satisfies Record<string, readonly MessageType[]>;

export type BookingTopicKey = keyof typeof BOOKING_TOPICS;

/** The topic of each booking message type, given the topic names of a test world. */
export function bookingTopicOf(names: Record<BookingTopicKey, string>): (type: MessageType) => string {
  const byType = new Map<string, string>();
  for (const key of ['commands', 'replies'] as const) {
    for (const type of BOOKING_TOPICS[key]) byType.set(type, names[key]);
  }
  return (type) => {
    const topic = byType.get(type);
    if (topic === undefined) throw new Error(`${type} is on no booking topic`);
    return topic;
  };
}
