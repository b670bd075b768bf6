import { invalidEnvironment } from './errors.ts';

/** pino's levels, the values LOG_LEVEL may take. */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

/** A year: longer than any retry policy or business deadline, and far from dates Postgres cannot store. */
export const A_YEAR_MS = 365 * 24 * 3600 * 1000;

export interface WholeNumberRange {
  /** Named in the message: `a whole number of <unit> from 1 to <max>`. */
  unit?: string;
  /** @default Number.MAX_SAFE_INTEGER */
  max?: number;
}

// Kafka's legal topic characters; the namespace prefixes every topic and consumer group name.
const NAMESPACE = /^[A-Za-z0-9._-]{0,200}$/;
const BROKER = /^[A-Za-z0-9.-]+:\d{1,5}$/;

/** Reads variables once, at the entry point; every reader names its variable when it fails. */
export function envReader(env: NodeJS.ProcessEnv) {
  /** For numbers and levels, unset and empty both mean "not given" (an empty line in a .env file). */
  const given = (name: string): string | undefined => (env[name] === '' ? undefined : env[name]);
  const read = {
    string(name: string, fallback?: string): string {
      const value = env[name] ?? fallback;
      if (value === undefined || value === '')
        throw invalidEnvironment(name, 'a non-empty string', env[name]);
      return value;
    },
    url(name: string, fallback?: string): string {
      const value = env[name] ?? fallback;
      if (value === undefined || !URL.canParse(value)) throw invalidEnvironment(name, 'a URL', env[name]);
      return value;
    },
    /** A postgres:// (or postgresql://) URL. */
    databaseUrl(name: string): string {
      const value = read.url(name);
      if (!/^postgres(ql)?:$/.test(new URL(value).protocol))
        throw invalidEnvironment(name, 'a postgres:// URL', value);
      return value;
    },
    port(name: string, fallback: number): number {
      const raw = given(name);
      if (raw === undefined) return fallback;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value > 65535) throw invalidEnvironment(name, 'a port number', raw);
      return value;
    },
    list(name: string, fallback?: string): string[] {
      return read
        .string(name, fallback)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    },
    /** Comma-separated host:port (KAFKA_BROKERS). */
    brokers(name: string): string[] {
      const list = read.list(name);
      if (list.length === 0 || !list.every((broker) => BROKER.test(broker)))
        throw invalidEnvironment(name, 'comma-separated host:port', env[name]);
      return list;
    },
    /** Digits only (no sign, exponent, fraction or blanks), from 1 to `max`. */
    positiveInteger(name: string, fallback: number, range: WholeNumberRange = {}): number {
      const raw = given(name);
      if (raw === undefined) return fallback;
      const max = range.max ?? Number.MAX_SAFE_INTEGER;
      const value = Number(raw);
      if (!/^\d+$/.test(raw) || value < 1 || value > max)
        throw invalidEnvironment(
          name,
          `a whole number${range.unit ? ` of ${range.unit}` : ''} from 1 to ${max}`,
          raw,
        );
      return value;
    },
    /** A duration in milliseconds (variables named *_MS), from 1 ms to `maxMs`. @default maxMs a year */
    durationMs(name: string, fallbackMs: number, maxMs = A_YEAR_MS): number {
      return read.positiveInteger(name, fallbackMs, { unit: 'milliseconds', max: maxMs });
    },
    /** LOG_LEVEL: one of pino's levels. @default 'info' */
    logLevel(name = 'LOG_LEVEL'): LogLevel {
      const raw = given(name);
      if (raw === undefined) return 'info';
      const level = LOG_LEVELS.find((l) => l === raw);
      if (!level) throw invalidEnvironment(name, `one of ${LOG_LEVELS.join(', ')}`, raw);
      return level;
    },
    /** CONVEYOR_TOPIC_NAMESPACE: the prefix of every topic and consumer group. @default '' */
    topicNamespace(name = 'CONVEYOR_TOPIC_NAMESPACE'): string {
      const raw = env[name] ?? '';
      if (!NAMESPACE.test(raw))
        throw invalidEnvironment(name, 'at most 200 letters, digits, ".", "_" or "-"', raw);
      return raw;
    },
  };
  return read;
}

export type EnvReader = ReturnType<typeof envReader>;
