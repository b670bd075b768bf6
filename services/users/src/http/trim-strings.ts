/** No users body is nested deeper than this; anything deeper is refused by validation untouched. */
const MAX_DEPTH = 8;

/**
 * The body with every string trimmed, down to MAX_DEPTH. Runs before validation, so bounds apply
 * to what is stored and `"  "` counts as empty. The depth bound keeps a hostile body nested
 * thousands deep (which fits in the body limit) from overflowing the stack into a 500.
 */
export function trimStrings(value: unknown, depth = 0): unknown {
  if (typeof value === 'string') return value.trim();
  if (depth >= MAX_DEPTH) return value;
  if (Array.isArray(value)) return value.map((item) => trimStrings(item, depth + 1));
  if (value !== null && typeof value === 'object') {
    return Object.fromEntries(Object.entries(value).map(([key, v]) => [key, trimStrings(v, depth + 1)]));
  }
  return value;
}
