import { STATUS_CODES } from 'node:http';
import { isConveyorError } from '@conveyor/events';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { isDatabaseUnavailable } from './database-unavailable.ts';

export const PROBLEM_CONTENT_TYPE = 'application/problem+json; charset=utf-8';
/** Code of every request refused by schema validation or body parsing. */
export const INVALID_REQUEST_CODE = 'CONVEYOR_INVALID_REQUEST';
/** Code of every error that is not a typed client error: its message stays in the log. */
export const INTERNAL_ERROR_CODE = 'CONVEYOR_INTERNAL_ERROR';
/** A request that failed because the database went away under it: 503, worth trying again. */
export const DATABASE_UNAVAILABLE_CODE = 'CONVEYOR_DATABASE_UNAVAILABLE';
/** Seconds a client (or the gateway, at another instance) waits before trying a 503 again. */
const RETRY_AFTER_SECONDS = 1;

/** One refused input: a property name (dotted for nested ones) or the request part (`body`). */
export interface FieldProblem {
  field: string;
  message: string;
}

/** RFC 7807 problem details, with the error's stable code and, for bad input, the fields at fault. */
export interface ProblemDetails {
  /** A URI per code: `urn:conveyor:problem:saga-not-found`. */
  type: string;
  title: string;
  status: number;
  detail: string;
  code: string;
  instance?: string;
  errors?: FieldProblem[];
  /** The typed error's context (e.g. the saga id and its status). */
  details?: Record<string, unknown>;
}

/** An issue from Ajv or the TypeBox compiler; both report where and, for some keywords, which property. */
interface ValidationIssue {
  instancePath?: string;
  keyword?: string;
  message?: string;
  params?: Record<string, unknown>;
}

// Fastify's body parsing errors: bad input too, but they come without a validation list.
const BODY_PARSE_ERRORS = new Set(['FST_ERR_CTP_INVALID_JSON_BODY', 'FST_ERR_CTP_EMPTY_JSON_BODY']);

/**
 * Maps any thrown value to a problem. Errors are recognised by shape, not class: Fastify
 * validation errors (`validation`), then anything with a string `code` and a numeric
 * `statusCode` (ConveyorError, Fastify's own), then a database that went away (503). The rest is
 * a 500 whose message is not shown.
 */
export function toProblem(error: unknown, instance?: string): ProblemDetails {
  const base = instance === undefined ? {} : { instance };
  if (isValidationError(error)) {
    const part = partName(error.validationContext);
    const errors = fieldProblems(error.validation, part);
    const detail = `invalid request ${part}: ${errors.map((e) => `${e.field} ${e.message}`).join('; ')}`;
    return { ...problem(400, INVALID_REQUEST_CODE, detail), ...base, errors };
  }
  if (isConveyorError(error) && BODY_PARSE_ERRORS.has(error.code)) {
    return {
      ...problem(400, INVALID_REQUEST_CODE, `invalid request body: ${error.message}`),
      ...base,
      errors: [{ field: 'body', message: error.message }],
    };
  }
  if (isConveyorError(error) && error.statusCode >= 400 && error.statusCode < 500) {
    const { details } = error;
    const context = isRecord(details) && Object.keys(details).length > 0 ? { details } : {};
    const field = isRecord(details) && typeof details.field === 'string' ? details.field : undefined;
    return {
      ...problem(error.statusCode, error.code, error.message),
      ...base,
      ...(field === undefined ? {} : { errors: [{ field, message: error.message }] }),
      ...context,
    };
  }
  if (!isConveyorError(error) && isDatabaseUnavailable(error)) {
    return {
      ...problem(503, DATABASE_UNAVAILABLE_CODE, 'the database could not be reached; try again in a moment'),
      ...base,
    };
  }
  const code = isConveyorError(error) ? error.code : INTERNAL_ERROR_CODE;
  const status =
    isConveyorError(error) && error.statusCode >= 500 && error.statusCode < 600 ? error.statusCode : 500;
  return {
    ...problem(status, code, `the request failed (${code}); the details are in the service log`),
    ...base,
  };
}

/** A Fastify error handler answering with problem+json; logs server errors, never sends a stack. */
export function sendProblem(error: unknown, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  const body = toProblem(error, request.url);
  if (body.status >= 500) request.log.error({ err: error }, 'request failed');
  if (body.status === 503) reply.header('retry-after', String(RETRY_AFTER_SECONDS));
  return reply.code(body.status).type(PROBLEM_CONTENT_TYPE).send(body);
}

function problem(status: number, code: string, detail: string): ProblemDetails {
  return {
    type: `urn:conveyor:problem:${code.toLowerCase().replaceAll('_', '-')}`,
    title: STATUS_CODES[status] ?? 'Error',
    status,
    detail,
    code,
  };
}

function isValidationError(
  error: unknown,
): error is { validation: ValidationIssue[]; validationContext?: string } {
  return isRecord(error) && Array.isArray(error.validation);
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null;
}

function partName(context: string | undefined): string {
  return context === 'querystring' ? 'query' : (context ?? 'request');
}

/**
 * One entry per field, most specific first. When an issue names a property, issues about the
 * whole part (e.g. "must be null" from the other branch of `object | null`) only add noise.
 */
function fieldProblems(issues: ValidationIssue[], part: string): FieldProblem[] {
  const named: FieldProblem[] = [];
  const whole: FieldProblem[] = [];
  for (const issue of issues) {
    const message = describe(issue);
    const fields = fieldsOf(issue);
    if (fields.length > 0) named.push(...fields.map((field) => ({ field, message })));
    else whole.push({ field: part, message });
  }
  const seen = new Set<string>();
  return (named.length > 0 ? named : whole).filter((p) => !seen.has(p.field) && seen.add(p.field));
}

/** Dotted property paths an issue is about; empty when it is about the whole part. */
function fieldsOf(issue: ValidationIssue): string[] {
  const params = issue.params ?? {};
  const path = (issue.instancePath ?? '')
    .split('/')
    .slice(1)
    .map((s) => s.replaceAll('~1', '/').replaceAll('~0', '~'));
  // Ajv names one property per issue; the TypeBox compiler lists them all in one.
  const children =
    issue.keyword === 'additionalProperties'
      ? [params.additionalProperty ?? params.additionalProperties]
      : issue.keyword === 'required'
        ? [params.missingProperty ?? params.requiredProperties]
        : [];
  const names = children.flat().filter((name): name is string => typeof name === 'string');
  if (names.length > 0) return names.map((name) => [...path, name].join('.'));
  return path.length > 0 ? [path.join('.')] : [];
}

function describe(issue: ValidationIssue): string {
  // `boolean`: TypeBox's name for failing `additionalProperties: false` at the property itself.
  if (issue.keyword === 'additionalProperties' || issue.keyword === 'boolean') return 'is not allowed';
  if (issue.keyword === 'required') return 'is required';
  const message = issue.message ?? 'is invalid';
  const allowed = issue.params?.allowedValues;
  return Array.isArray(allowed) ? `${message} (${allowed.join(', ')})` : message;
}
