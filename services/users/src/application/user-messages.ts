import { messageFactory, type TypedOutgoingMessage } from '@conveyor/events';
import type { MessageTypes } from '@conveyor/schemas';
import type { UserEvent } from '../domain/user.ts';

const message = messageFactory<MessageTypes>();

/**
 * The integration message of a domain event, exactly per schemas/user-*.avsc: keyed by user id
 * (per-user order), carrying the request's correlation id.
 */
export function userMessage(
  event: UserEvent,
  topic: string,
  correlationId: string,
): TypedOutgoingMessage<MessageTypes, 'user.created' | 'user.updated'> {
  const envelope = { topic, key: event.data.userId, correlationId };
  switch (event.type) {
    case 'UserRegistered': {
      const { registeredAt, ...user } = event.data;
      return message('user.created', { ...user, createdAt: registeredAt }, envelope);
    }
    case 'UserUpdated': {
      const { changes } = event.data;
      // Avro optional fields: an unchanged field is null, not absent.
      return message(
        'user.updated',
        {
          userId: event.data.userId,
          changes: {
            email: changes.email ?? null,
            firstName: changes.firstName ?? null,
            lastName: changes.lastName ?? null,
            language: changes.language ?? null,
          },
          updatedAt: event.data.updatedAt,
        },
        envelope,
      );
    }
    default: {
      const unknown: never = event;
      throw new Error(`no message for event ${JSON.stringify(unknown)}`);
    }
  }
}
