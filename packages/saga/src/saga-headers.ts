/** Headers on every saga command, so participants can reply without knowing the saga. */
export const SagaHeaders = {
  sagaId: 'saga-id',
  sagaType: 'saga-type',
  step: 'saga-step',
  action: 'saga-action',
} as const;

/** The message type of participants' replies (schemas/saga-reply.avsc). */
export const SAGA_REPLY_TYPE = 'saga.reply';

/** @default topic of replies */
export const DEFAULT_REPLIES_TOPIC = 'saga.replies';
