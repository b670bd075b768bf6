import { ConveyorError } from '@conveyor/events';
import { describe, expect, it } from 'vitest';
import {
  DATABASE_UNAVAILABLE_CODE,
  INTERNAL_ERROR_CODE,
  INVALID_REQUEST_CODE,
  toProblem,
} from './problem-details.ts';

/** What Fastify throws when a schema refuses a request part. */
const validationError = (validationContext: string, validation: unknown[]) =>
  Object.assign(new Error('validation failed'), {
    code: 'FST_ERR_VALIDATION',
    statusCode: 400,
    validation,
    validationContext,
  });

// Errors shaped like the packages' catalogues (ConveyorError: code, statusCode, details).
const sagaNotFound = (id: string) =>
  new ConveyorError('SAGA_NOT_FOUND', 404, `saga ${id} does not exist`, { id });
const sagaActionNotAllowed = (id: string, action: string, currentStatus: string, reason: string) =>
  new ConveyorError('SAGA_ACTION_NOT_ALLOWED', 409, `cannot ${action} saga ${id}: ${reason}`, {
    id,
    action,
    currentStatus,
  });
const invalidCursor = (reason: string) =>
  new ConveyorError('SAGA_INVALID_CURSOR', 400, `cursor is not valid (${reason})`, { field: 'cursor' });

describe('problem details', () => {
  it('turns a typed error into its status and code, with its details and the request path', () => {
    const id = '0b9d7f0e-5f3c-4a53-9d7e-2f1f0c3a8b41';
    expect(toProblem(sagaNotFound(id), `/admin/sagas/${id}`)).toEqual({
      type: 'urn:conveyor:problem:saga-not-found',
      title: 'Not Found',
      status: 404,
      detail: `saga ${id} does not exist`,
      code: 'SAGA_NOT_FOUND',
      instance: `/admin/sagas/${id}`,
      details: { id },
    });
    expect(toProblem(sagaActionNotAllowed(id, 'abort', 'completed', 'saga is completed'))).toMatchObject({
      status: 409,
      title: 'Conflict',
      code: 'SAGA_ACTION_NOT_ALLOWED',
      details: { id, action: 'abort', currentStatus: 'completed' },
    });
  });

  it('recognises errors by code and status, not by class (a second copy of the package)', () => {
    const foreign = {
      name: 'ConveyorError',
      message: 'nope',
      code: 'ORDERS_INSUFFICIENT_STOCK',
      statusCode: 409,
    };
    expect(toProblem(foreign)).toMatchObject({
      status: 409,
      code: 'ORDERS_INSUFFICIENT_STOCK',
      detail: 'nope',
    });
  });

  it('lists the field a typed 400 error names', () => {
    expect(toProblem(invalidCursor('bad timestamp'))).toMatchObject({
      status: 400,
      code: 'SAGA_INVALID_CURSOR',
      errors: [{ field: 'cursor', message: expect.stringContaining('bad timestamp') }],
    });
  });

  it('lists the fields of Ajv validation issues', () => {
    const problem = toProblem(
      validationError('querystring', [
        { instancePath: '/limit', keyword: 'maximum', params: { limit: 200 }, message: 'must be <= 200' },
        { instancePath: '', keyword: 'additionalProperties', params: { additionalProperty: 'staus' } },
        { instancePath: '', keyword: 'required', params: { missingProperty: 'type' }, message: 'x' },
      ]),
    );
    expect(problem).toMatchObject({ status: 400, code: INVALID_REQUEST_CODE });
    expect(problem.errors).toEqual([
      { field: 'limit', message: 'must be <= 200' },
      { field: 'staus', message: 'is not allowed' },
      { field: 'type', message: 'is required' },
    ]);
    expect(problem.detail).toBe(
      'invalid request query: limit must be <= 200; staus is not allowed; type is required',
    );
  });

  it('lists the fields of TypeBox validation issues, preferring named fields over the whole part', () => {
    const problem = toProblem(
      validationError('body', [
        { instancePath: '/reason', keyword: 'maxLength', params: { limit: 500 }, message: 'must be shorter' },
        { instancePath: '', keyword: 'type', params: { type: 'null' }, message: 'must be null' },
        { instancePath: '', keyword: 'anyOf', params: {}, message: 'must match a schema in anyOf' },
        { instancePath: '/a~1b', keyword: 'required', params: { requiredProperties: ['x', 'y'] } },
      ]),
    );
    expect(problem.errors).toEqual([
      { field: 'reason', message: 'must be shorter' },
      { field: 'a/b.x', message: 'is required' },
      { field: 'a/b.y', message: 'is required' },
    ]);
  });

  it('names the part when an issue is about all of it', () => {
    const problem = toProblem(
      validationError('body', [{ instancePath: '', keyword: 'type', message: 'must be object' }]),
    );
    expect(problem.errors).toEqual([{ field: 'body', message: 'must be object' }]);
  });

  it('answers 500 without the message or stack of an unexpected error', () => {
    const problem = toProblem(new Error('connection to 10.0.0.5 refused'));
    expect(problem).toMatchObject({ status: 500, code: INTERNAL_ERROR_CODE });
    expect(JSON.stringify(problem)).not.toContain('10.0.0.5');
    const typed = toProblem(
      new ConveyorError('CONVEYOR_SCHEMA_REGISTRATION_FAILED', 502, 'registry at x down'),
    );
    expect(typed).toMatchObject({ status: 502, code: 'CONVEYOR_SCHEMA_REGISTRATION_FAILED' });
    expect(typed.detail).not.toContain('registry at x');
  });

  it('answers 503 when the database went away under the request (worth trying again), 500 otherwise', () => {
    const pgError = (code: string, message: string) => Object.assign(new Error(message), { code });
    for (const gone of [
      pgError('57P01', 'terminating connection due to administrator command'),
      pgError('08006', 'connection failure'),
      pgError('53300', 'sorry, too many clients already'),
      pgError('ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:5432'),
      new Error('Connection terminated unexpectedly'),
      new Error('timeout exceeded when trying to connect'),
    ]) {
      const problem = toProblem(gone);
      expect(problem, gone.message).toMatchObject({ status: 503, code: DATABASE_UNAVAILABLE_CODE });
      expect(problem.detail).not.toContain('5432');
    }
    for (const wrong of [
      pgError('23505', 'duplicate key value violates unique constraint'),
      pgError('42P01', 'relation "orders" does not exist'),
    ])
      expect(toProblem(wrong)).toMatchObject({ status: 500, code: INTERNAL_ERROR_CODE });
  });
});
