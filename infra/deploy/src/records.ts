/** A plain object (not null, not an array): what JSON and YAML parse into for a mapping. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
