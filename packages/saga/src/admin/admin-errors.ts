import { ConveyorError } from '@conveyor/events';

/**
 * Errors of the saga admin read side (code → HTTP status). Each names the offending input in
 * `details.field`, so a problem-details handler can list it like a schema validation failure.
 */
export const SagaAdminErrorCodes = {
  SAGA_INVALID_CURSOR: 400,
  SAGA_INVALID_FILTER: 400,
} as const;

export const invalidCursor = (reason: string) =>
  new ConveyorError(
    'SAGA_INVALID_CURSOR',
    400,
    `cursor is not valid (${reason}); pass the nextCursor of a previous page unchanged`,
    { field: 'cursor' },
  );

export const invalidListFilter = (field: string, problem: string) =>
  new ConveyorError('SAGA_INVALID_FILTER', 400, `${field} ${problem}`, { field });
