import { invalidEnvironment } from './errors.ts';

/** Reads variables once, at the entry point; every reader names its variable when it fails. */
export function envReader(env: NodeJS.ProcessEnv) {
  return {
    string(name: string, fallback?: string): string {
      const value = env[name] ?? fallback;
      if (value === undefined || value === '')
        throw invalidEnvironment(name, 'a non-empty string', env[name]);
      return value;
    },
    url(name: string, fallback?: string): string {
      const value = env[name] ?? fallback;
      try {
        new URL(value ?? '');
      } catch {
        throw invalidEnvironment(name, 'a URL', env[name]);
      }
      return value as string;
    },
    port(name: string, fallback: number): number {
      const raw = env[name];
      if (raw === undefined || raw === '') return fallback;
      const value = Number(raw);
      if (!Number.isInteger(value) || value < 0 || value > 65535)
        throw invalidEnvironment(name, 'a port number', raw);
      return value;
    },
    list(name: string, fallback?: string): string[] {
      return this.string(name, fallback)
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean);
    },
  };
}
