import { ConveyorError } from '@conveyor/events';

/** The catalogue of @conveyor/saga errors (code → HTTP status). */
export const SagaErrorCodes = {
  SAGA_NOT_FOUND: 404,
  SAGA_ACTION_NOT_ALLOWED: 409,
  SAGA_UNKNOWN_TYPE: 400,
  /** A saga started on a definition version the orchestrator no longer has (keep it registered). */
  SAGA_UNKNOWN_VERSION: 500,
  /** A saga's persisted step is not in the definition of its version (a definition changed in place). */
  SAGA_UNKNOWN_STEP: 500,
  SAGA_CONCURRENT_UPDATE: 409,
  /** A step's command needs a secret its saga was started without (a bug of the host). */
  SAGA_SECRET_MISSING: 500,
} as const;

export const sagaNotFound = (id: string) =>
  new ConveyorError('SAGA_NOT_FOUND', 404, `saga ${id} does not exist`, { id });

/** `currentStatus`, not `status`: the problem JSON's own `status` is the HTTP status. */
export const sagaActionNotAllowed = (id: string, action: string, currentStatus: string, reason: string) =>
  new ConveyorError('SAGA_ACTION_NOT_ALLOWED', 409, `cannot ${action} saga ${id}: ${reason}`, {
    id,
    action,
    currentStatus,
  });

export const sagaUnknownType = (type: string, known: string[]) =>
  new ConveyorError('SAGA_UNKNOWN_TYPE', 400, `unknown saga type "${type}" (known: ${known.join(', ')})`, {
    type,
  });

export const sagaUnknownVersion = (type: string, version: number, known: number[]) =>
  new ConveyorError(
    'SAGA_UNKNOWN_VERSION',
    500,
    `saga "${type}" has no version ${version} (known: ${known.join(', ')}): register every version that sagas still run on`,
    { type, version },
  );

export const sagaStepUnknown = (type: string, version: number, step: string) =>
  new ConveyorError(
    'SAGA_UNKNOWN_STEP',
    500,
    `saga "${type}" version ${version} has no step "${step}": a changed definition needs a new version`,
    { type, version, step },
  );

export const sagaConcurrentUpdate = (id: string) =>
  new ConveyorError('SAGA_CONCURRENT_UPDATE', 409, `saga ${id} was changed concurrently`, { id });

export const sagaSecretMissing = (name: string) =>
  new ConveyorError(
    'SAGA_SECRET_MISSING',
    500,
    `the saga has no secret "${name}"; pass it in start()'s secrets`,
    {
      name,
    },
  );
