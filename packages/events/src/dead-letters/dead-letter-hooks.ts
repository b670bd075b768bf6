/** One message sent to a dead-letter topic, as a metrics hook sees it. */
export interface DeadLetterEvent {
  /** Who gave up on it: a consumer's name, or a projection's (`users.directory`). */
  consumer: string;
  /** Where it was read (the dead letter went to `<topic>.dlq`). */
  topic: string;
  partition: number;
  offset: string;
  messageType: string | undefined;
  /** Runs of its handler; 1 for a message that could not be decoded. */
  attempts: number;
  /** The failure's code, as the `dlq-error-code` header has it. */
  errorCode: string;
}

/**
 * Called once a dead letter is acknowledged by Kafka, so a service can count dead letters without
 * this package depending on a metrics library (`deadLetterCounter` in @conveyor/http is one).
 */
export type DeadLetterHook = (event: DeadLetterEvent) => void;
