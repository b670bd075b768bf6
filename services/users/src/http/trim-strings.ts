/**
 * The body with every string trimmed, at any depth. Runs before validation, so bounds apply to
 * what is stored and `"  "` counts as empty.
 */
export function trimStrings(value: unknown): unknown {
  if (typeof value === 'string') return value.trim();
  if (Array.isArray(value)) return value.map(trimStrings);
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, trimStrings(v)]));
  }
  return value;
}
