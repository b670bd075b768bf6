import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';
import { Compile } from 'typebox/compile';

const WHOLE_NUMBER = /^-?\d{1,15}$/;

/**
 * TypeBoxValidatorCompiler, except for query strings: the kit's compiler runs TypeBox's
 * Value.Convert there, which turns `?limit=true` into 1 and `?page=1.5` into 1. Here a query
 * value becomes an integer only when it is written as one; anything else reaches the schema check
 * as a string and is refused with a 400 naming the parameter.
 */
export const strictQueryValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  if (route.httpPart !== 'querystring') return TypeBoxValidatorCompiler(route);
  const validator = Compile(route.schema);
  const integers = integerProperties(route.schema);
  return (value: unknown) => {
    const converted = convertIntegers(value, integers);
    if (validator.Check(converted)) return { value: converted };
    const error: FastifySchemaValidationError[] = validator.Errors(converted);
    return { error };
  };
};

function integerProperties(schema: TSchema): Set<string> {
  const properties = (schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  return new Set(Object.keys(properties).filter((key) => properties[key]?.type === 'integer'));
}

function convertIntegers(value: unknown, integers: Set<string>): unknown {
  if (typeof value !== 'object' || value === null) return value;
  const out: Record<string, unknown> = { ...value };
  for (const key of integers) {
    const raw = out[key];
    if (typeof raw === 'string' && WHOLE_NUMBER.test(raw)) out[key] = Number(raw);
  }
  return out;
}
