import type { IncomingMessage, OutgoingMessage } from '@conveyor/events';
import { DEFAULT_REPLIES_TOPIC, SAGA_REPLY_TYPE, SagaHeaders } from './saga-headers.ts';
import type { SagaReply } from './saga-state.ts';

/** What a participant answers: success (with the command's reply payload, if it has one) or a refusal. */
export type ParticipantResult<Reply = unknown> =
  | (undefined extends Reply ? { outcome: 'success'; data?: Reply } : { outcome: 'success'; data: Reply })
  | { outcome: 'failure'; reason: string };

/** The message type of a command's success reply with data: `<command type>.reply` (see ReplyOf). */
export const replyTypeOf = (commandType: string): string => `${commandType}.reply`;

/**
 * The reply to a saga command, addressed back to the orchestrator (key: the saga id, for order).
 * Like the command, it names its saga, step and action in headers, and the command in its causation
 * id; its type is the command's reply type when it carries data, else saga.reply.
 */
export function sagaReplyMessage(
  command: IncomingMessage,
  result: ParticipantResult,
  repliesTopic: string = DEFAULT_REPLIES_TOPIC,
): OutgoingMessage {
  const sagaId = command.headers[SagaHeaders.sagaId] ?? command.key;
  const body =
    result.outcome === 'success' && result.data !== undefined
      ? { type: replyTypeOf(command.type), data: result.data }
      : {
          type: SAGA_REPLY_TYPE,
          data: { outcome: result.outcome, reason: result.outcome === 'failure' ? result.reason : null },
        };
  return {
    topic: repliesTopic,
    key: sagaId,
    ...body,
    correlationId: command.correlationId,
    causationId: command.messageId,
    ...(command.traceparent ? { traceparent: command.traceparent } : {}),
    headers: {
      [SagaHeaders.sagaId]: sagaId,
      [SagaHeaders.step]: command.headers[SagaHeaders.step] ?? '',
      [SagaHeaders.action]:
        command.headers[SagaHeaders.action] === 'compensation' ? 'compensation' : 'command',
    },
  };
}

interface DatalessReply {
  outcome: 'success' | 'failure';
  reason?: string | null;
}

const isDatalessReply = (data: unknown): data is DatalessReply =>
  typeof data === 'object' &&
  data !== null &&
  'outcome' in data &&
  (data.outcome === 'success' || data.outcome === 'failure');

/** A reply as the orchestrator reads it off the replies topic; undefined when it names no saga command. */
export function readSagaReply(message: IncomingMessage): SagaReply | undefined {
  const sagaId = message.headers[SagaHeaders.sagaId];
  const step = message.headers[SagaHeaders.step];
  const action = message.headers[SagaHeaders.action];
  const commandId = message.causationId;
  if (!sagaId || !step || !commandId || (action !== 'command' && action !== 'compensation')) return undefined;
  if (message.type !== SAGA_REPLY_TYPE) {
    return { sagaId, step, action, commandId, outcome: 'success', data: message.data, reason: null };
  }
  if (!isDatalessReply(message.data)) return undefined;
  const { outcome, reason } = message.data;
  return { sagaId, step, action, commandId, outcome, data: null, reason: reason ?? null };
}
