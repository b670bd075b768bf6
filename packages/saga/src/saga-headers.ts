/** Headers on every saga command, so participants can reply without knowing the saga. */
export const SagaHeaders = {
  sagaId: 'saga-id',
  sagaType: 'saga-type',
  step: 'saga-step',
  action: 'saga-action',
} as const;

/** The type of a reply without data: a refusal, or a success of a command with no reply type (schemas/saga-reply.avsc). */
export const SAGA_REPLY_TYPE = 'saga.reply';

/** @default topic of replies */
export const DEFAULT_REPLIES_TOPIC = 'saga.replies';
