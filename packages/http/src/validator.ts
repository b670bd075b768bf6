import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';
import { Value } from 'typebox/value';

const WHOLE_NUMBER = /^-?\d{1,15}$/;
const DECIMAL = /^-?\d{1,15}(\.\d{1,15})?$/;

/**
 * The validator of every Conveyor route. Bodies are checked as sent. Query strings, params and
 * headers arrive as strings: a value becomes a number or a boolean only when written exactly as one
 * (TypeBox's own Value.Convert would turn `?limit=true` into 1 and `?page=1.5` into 1), and
 * declared defaults fill what is absent (`?page` omitted → the schema's default).
 */
export const conveyorValidatorCompiler: FastifySchemaCompiler<TSchema> = ({ schema, httpPart }) => {
  const check = Compile(schema);
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return (value: unknown) => {
    const candidate =
      httpPart === 'body'
        ? value
        : convertStrictly(Value.Default(schema, structuredClone(value ?? {})), properties);
    if (check.Check(candidate)) return { value: candidate };
    const error: FastifySchemaValidationError[] = check.Errors(candidate);
    return { error };
  };
};

function convertStrictly(value: unknown, properties: Record<string, { type?: unknown }>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, property] of Object.entries(properties)) {
    const raw = out[key];
    if (typeof raw !== 'string') continue;
    if (property.type === 'integer' && WHOLE_NUMBER.test(raw)) out[key] = Number(raw);
    else if (property.type === 'number' && DECIMAL.test(raw)) out[key] = Number(raw);
    else if (property.type === 'boolean' && (raw === 'true' || raw === 'false')) out[key] = raw === 'true';
  }
  return out;
}
