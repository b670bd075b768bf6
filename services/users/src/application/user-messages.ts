import type { OutgoingMessage } from '@conveyor/events';
import type { UserCreated, UserUpdated as UserUpdatedMessage } from '@conveyor/schemas';
import type { UserEvent } from '../domain/user.ts';

/**
 * The integration message of a domain event, exactly per schemas/user-*.avsc: keyed by user id
 * (per-user order), carrying the request's correlation id.
 */
export function userMessage(event: UserEvent, topic: string, correlationId: string): OutgoingMessage {
  const key = event.data.userId;
  switch (event.type) {
    case 'UserRegistered': {
      const { registeredAt, ...user } = event.data;
      const data: UserCreated = { ...user, createdAt: registeredAt };
      return { topic, key, type: 'user.created', data, correlationId };
    }
    case 'UserUpdated': {
      const { changes } = event.data;
      // Avro optional fields: an unchanged field is null, not absent.
      const data: UserUpdatedMessage = {
        userId: event.data.userId,
        changes: {
          email: changes.email ?? null,
          firstName: changes.firstName ?? null,
          lastName: changes.lastName ?? null,
          language: changes.language ?? null,
        },
        updatedAt: event.data.updatedAt,
      };
      return { topic, key, type: 'user.updated', data, correlationId };
    }
    default: {
      const unknown: never = event;
      throw new Error(`no message for event ${JSON.stringify(unknown)}`);
    }
  }
}
