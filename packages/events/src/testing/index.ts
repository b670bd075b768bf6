export { deciderSpecification } from './decider-specification.ts';
export {
  connectEventsClients,
  type EventsClients,
  type EventsClientsOptions,
} from './events-clients.ts';
export { expectThrows } from './expect-throws.ts';
export { DISK_FULL_ERROR, refuseWrites } from './refuse-writes.ts';
