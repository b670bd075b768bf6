import type { FastifyInstance } from 'fastify';
import { Type } from 'typebox';
import { INVALID_REQUEST_CODE } from './problem-details.ts';

/** Where createServiceApp serves Swagger UI; its routes keep whatever query the UI sends. */
export const DOCS_PREFIX = '/docs';

// No Conveyor field is multi-line text, so every C0 control character and DEL is refused: a NUL
// breaks Postgres text columns (a 500), an ESC reaches terminals that tail the logs.
// biome-ignore lint/suspicious/noControlCharactersInRegex: matching them is the point
const CONTROL_CHARACTER = /[\u0000-\u001f\u007f]/;

/** A refusal in the shape of Ajv's and TypeBox's issues, so toProblem names the field. */
interface ControlCharacterIssue {
  instancePath: string;
  keyword: 'controlCharacters';
  message: string;
}

const NO_QUERY = Type.Object({}, { additionalProperties: false });

/**
 * Input rules every route shares, whatever its schema says:
 * - params, body and query strings (values and keys, at any depth) refuse control characters
 *   with a 400 naming the field. A root preValidation hook sees the input as parsed, before any
 *   hook of a service rewrites it: users trims strings, and trim() would remove a "\n" or "\t" at
 *   either end and hide it.
 * - a route that declares no querystring schema gets an empty strict one, so an unknown query
 *   parameter is a 400 naming it instead of being ignored (Swagger UI's routes excepted).
 * Register before any route.
 */
export function registerInputHardening(app: FastifyInstance): void {
  app.addHook('onRoute', (route) => {
    if (route.url === DOCS_PREFIX || route.url.startsWith(`${DOCS_PREFIX}/`)) return;
    const schema = route.schema ?? {};
    // `query` is Fastify's alias of `querystring`, resolved after the onRoute hooks.
    if (schema.querystring !== undefined || Object.hasOwn(schema, 'query')) return;
    route.schema = { ...schema, querystring: NO_QUERY };
  });
  app.addHook('preValidation', async (request) => {
    // Fastify's own order of validation, so a request with several faults names the same part.
    const parts = [
      ['params', request.params],
      ['body', request.body],
      ['querystring', request.query],
    ] as const;
    for (const [part, value] of parts) {
      const validation = controlCharacterIssues(value);
      if (validation.length > 0) {
        throw Object.assign(new Error(`the request ${part} contains control characters`), {
          code: INVALID_REQUEST_CODE,
          statusCode: 400,
          validation,
          validationContext: part,
        });
      }
    }
  });
}

/**
 * One issue per string holding a control character, or per property name holding one, with its
 * JSON pointer (`/profile/firstName`, `/items/0/sku`). Iterative: a 64 KiB body can nest 30,000
 * levels deep, which would overflow a recursive walk into a 500.
 */
export function controlCharacterIssues(value: unknown): ControlCharacterIssue[] {
  const issues: ControlCharacterIssue[] = [];
  // A stack popped in the order the input was sent, so the problem lists the fields that way.
  const pending: Array<{ value: unknown; path: string; keyRefused: boolean }> = [
    { value, path: '', keyRefused: false },
  ];
  for (let next = pending.pop(); next !== undefined; next = pending.pop()) {
    const { value: current, path, keyRefused } = next;
    if (keyRefused || (typeof current === 'string' && CONTROL_CHARACTER.test(current))) {
      issues.push(issue(path));
    } else if (typeof current === 'object' && current !== null) {
      for (const [key, child] of Object.entries(current).reverse()) {
        const childPath = `${path}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`;
        pending.push({ value: child, path: childPath, keyRefused: CONTROL_CHARACTER.test(key) });
      }
    }
  }
  return issues;
}

function issue(instancePath: string): ControlCharacterIssue {
  return { instancePath, keyword: 'controlCharacters', message: 'must not contain control characters' };
}
