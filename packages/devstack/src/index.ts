export {
  DEFAULT_PORTS,
  DevStack,
  type DevStackOptions,
  REPLICA_PORT_STEP,
  SERVICE_NAMES,
  type ServiceName,
  type StackMember,
} from './dev-stack.ts';
export { freePort } from './free-port.ts';
export {
  DEFAULT_REPLICAS,
  isReplicaCount,
  MAX_REPLICAS,
  parseReplicas,
  REPLICAS_VARIABLE,
  ReplicasError,
  replicasOf,
} from './replicas.ts';
export { ServiceProcess, type ServiceProcessSpec } from './service-process.ts';
