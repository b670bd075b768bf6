// Generated from schemas/*.avsc by `npm run codegen`. Do not edit: change the .avsc file and regenerate.

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
  'user.created': UserCreated;
  'user.updated': UserUpdated;
}

export type MessageType = keyof MessageTypes;
