import { fileURLToPath } from 'node:url';

/** The directory of .avsc files: load it with MessageCatalog.fromDirectories(schemasDir). */
export const schemasDir = fileURLToPath(new URL('..', import.meta.url));

export type * from './messages.generated.ts';
export {
  DEFAULT_PARTITIONS,
  groupName,
  messageTopics,
  type TopicKey,
  topicBindings,
  topicNames,
} from './topics.ts';
