// Generated from schemas/*.avsc by `npm run codegen`. Do not edit: change the .avsc file and regenerate.

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
  'saga.reply': SagaReply;
  'user.created': UserCreated;
  'user.updated': UserUpdated;
}

export type MessageType = keyof MessageTypes;
