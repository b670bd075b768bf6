import type { SagaDefinition, SagaSecrets } from './definition.ts';
import { sagaSecretMissing } from './errors.ts';

/** What a secret field holds in the saga log and in admin answers. */
export const REDACTED = '[redacted]';

/**
 * Every field name a definition marks secret: its own `secretFields` and those of each step's
 * command and compensation. A name is matched at any depth of a payload.
 */
export function secretFieldNames(
  definition: Pick<SagaDefinition, 'steps' | 'secretFields'>,
): ReadonlySet<string> {
  const names = new Set(definition.secretFields ?? []);
  for (const step of definition.steps) {
    for (const name of step.command.secretFields ?? []) names.add(name);
    for (const name of step.compensation?.secretFields ?? []) names.add(name);
  }
  return names;
}

/**
 * A copy of `value` with the value of every field named in `names`, at any depth, replaced by
 * REDACTED. A null stays null: it tells that no secret was given, and hides nothing.
 */
export function redactSecrets(value: unknown, names: ReadonlySet<string>): unknown {
  if (names.size === 0 || value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) return value.map((item) => redactSecrets(item, names));
  return Object.fromEntries(
    Object.entries(value).map(([key, field]) => [
      key,
      names.has(key) && field !== null ? REDACTED : redactSecrets(field, names),
    ]),
  );
}

/**
 * The named secret, for a step's `commandData`. Its absence is a bug of the host (the saga was
 * started without it): a loud error beats a command sent with an empty credential.
 */
export function requireSecret(secrets: SagaSecrets, name: string): string {
  const value = secrets[name];
  if (value === undefined) throw sagaSecretMissing(name);
  return value;
}
