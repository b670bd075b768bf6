export {
  DEFAULT_PORTS,
  DevStack,
  type DevStackOptions,
  SERVICE_NAMES,
  type ServiceName,
  type StackMember,
} from './dev-stack.ts';
export { freePort } from './free-port.ts';
export { ServiceProcess, type ServiceProcessSpec } from './service-process.ts';
