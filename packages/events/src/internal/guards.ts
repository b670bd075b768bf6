/** A property of a thrown value or parsed JSON, read without trusting its shape. */
export function propertyOf(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null && key in value ? Reflect.get(value, key) : undefined;
}

/** Whether `value` is one of `options`, narrowing it to their literal type. */
export function isOneOf<const T extends string>(options: readonly T[], value: string): value is T {
  return options.some((option) => option === value);
}

/** Whether `value` is a plain object (parsed JSON, a thrown value) whose properties can be read. */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
