import { TypeBoxValidatorCompiler } from '@fastify/type-provider-typebox';
import type { FastifySchemaCompiler, FastifySchemaValidationError } from 'fastify';
import type { TSchema } from 'typebox';

const DECIMAL = /^(0|-?[1-9][0-9]*)$/;

/**
 * TypeBox converts query strings to integers laxly ("2.5" → 2, "0x10" → 16, "true" → 1), so a
 * caller's mistake would be served as some other page. Integer query parameters must be plain
 * decimal digits here; everything else (and every other request part) is TypeBox's as usual.
 */
export const strictQueryValidatorCompiler: FastifySchemaCompiler<TSchema> = (route) => {
  const validate = TypeBoxValidatorCompiler(route);
  if (route.httpPart !== 'querystring') return validate;
  const properties = (route.schema as { properties?: Record<string, { type?: unknown }> }).properties ?? {};
  const integers = Object.keys(properties).filter((name) => properties[name]?.type === 'integer');
  if (integers.length === 0) return validate;
  return (value: unknown) => {
    const query = (value ?? {}) as Record<string, unknown>;
    const issues: FastifySchemaValidationError[] = integers
      .filter((name) => typeof query[name] === 'string' && !DECIMAL.test(query[name]))
      .map((name) => ({
        keyword: 'type',
        instancePath: `/${name}`,
        schemaPath: `#/properties/${name}/type`,
        params: { type: 'integer' },
        message: 'must be an integer in decimal digits',
      }));
    return issues.length > 0 ? { error: issues } : validate(value);
  };
};
