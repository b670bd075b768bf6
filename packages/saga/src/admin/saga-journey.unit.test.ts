import { describe, expect, it } from 'vitest';
import type { MessageRecordsView } from './journey-schemas.ts';
import { joinMessages, type MessageSourceAnswer } from './saga-journey.ts';

const COMMAND = '00000000-0000-4000-8000-000000000001';
const REPLY = '00000000-0000-4000-8000-000000000002';
const EVENT = '00000000-0000-4000-8000-000000000003';
const commands = new Map([[COMMAND, { kind: 'command' as const, step: 'charge-payment' }]]);

const outboxRow = (
  messageId: string,
  type: string,
  topic: string,
  createdAt: string,
  causationId: string | null = null,
): MessageRecordsView['outbox'][number] => ({
  messageId,
  topic,
  key: 'saga-1',
  type,
  causationId,
  traceId: null,
  createdAt,
  publishedAt: createdAt.replace('.000Z', '.050Z'),
});

const answer = (records: MessageRecordsView): MessageSourceAnswer => ({ ok: true, records });

const orders = answer({
  service: 'orders',
  inbox: [
    { consumer: 'orders-saga-orchestrator', messageId: REPLY, processedAt: '2026-12-01T10:00:03.000Z' },
  ],
  outbox: [
    outboxRow(COMMAND, 'payments.charge', 'payments.commands', '2026-12-01T10:00:00.000Z'),
    // The resend: a second outbox row with the same message id.
    outboxRow(COMMAND, 'payments.charge', 'payments.commands', '2026-12-01T10:00:01.000Z'),
  ],
});
const payments = answer({
  service: 'payments',
  inbox: [{ consumer: 'payments-participant', messageId: COMMAND, processedAt: '2026-12-01T10:00:02.000Z' }],
  outbox: [
    outboxRow(EVENT, 'payments.charged', 'payments.events', '2026-12-01T10:00:02.000Z', COMMAND),
    outboxRow(REPLY, 'payments.charge.reply', 'saga.replies', '2026-12-01T10:00:02.000Z', COMMAND),
  ],
});

describe('saga journey: joining the services answers about a saga messages', () => {
  it('groups each message with its sends and the consumers that applied it, a reply apart from an event', () => {
    const messages = joinMessages(commands, [orders, payments]);
    expect(messages.map((m) => [m.kind, m.type, m.step, m.sentBy])).toEqual([
      ['command', 'payments.charge', 'charge-payment', 'orders'],
      ['event', 'payments.charged', 'charge-payment', 'payments'],
      ['reply', 'payments.charge.reply', 'charge-payment', 'payments'],
    ]);
    const [command, , reply] = messages;
    expect(command?.sends.map((s) => s.createdAt)).toEqual([
      '2026-12-01T10:00:00.000Z',
      '2026-12-01T10:00:01.000Z',
    ]);
    expect(command?.received).toEqual([
      { service: 'payments', consumer: 'payments-participant', processedAt: '2026-12-01T10:00:02.000Z' },
    ]);
    expect(reply?.received.map((r) => r.service)).toEqual(['orders']);
  });

  it('counts rows once when two replicas of a service answer the same, and keeps a command whose rows are gone', () => {
    const messages = joinMessages(commands, [
      payments,
      payments,
      { ok: false, source: 'http://x', error: 'down' },
    ]);
    expect(messages.find((m) => m.messageId === COMMAND)).toMatchObject({ type: null, sends: [] });
    expect(messages.find((m) => m.messageId === COMMAND)?.received).toHaveLength(1);
    expect(messages.find((m) => m.messageId === REPLY)?.sends).toHaveLength(1);
  });
});
