/** `850 ms`, `12.3 s`, `4 min`, `3 h`, `2 d`. */
export function duration(ms: number): string {
  if (ms < 1_000) return `${Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1_000).toFixed(1)} s`;
  if (ms < 3_600_000) return `${Math.round(ms / 60_000)} min`;
  if (ms < 86_400_000) return `${Math.round(ms / 3_600_000)} h`;
  return `${Math.round(ms / 86_400_000)} d`;
}

/** `12:34:56.789` in the operator's time zone: the axis and the tables read in one unit. */
export function clockTime(iso: string): string {
  const date = new Date(iso);
  const pad = (n: number, width = 2) => String(n).padStart(width, '0');
  return `${pad(date.getHours())}:${pad(date.getMinutes())}:${pad(date.getSeconds())}.${pad(date.getMilliseconds(), 3)}`;
}

/**
 * How long after `from` a time is, as `+1.2 s`; `-10 ms` for a row stamped by the database a little
 * before the saga's own start time (two clocks: Postgres' now() and the orchestrator's).
 */
export function after(from: string, iso: string): string {
  const ms = Date.parse(iso) - Date.parse(from);
  return `${ms < 0 ? '-' : '+'}${duration(Math.abs(ms))}`;
}

/** What an action's refusal means, in words; the API's own detail follows. */
export function refusalInWords(status: number, detail: string): string {
  switch (status) {
    case 401:
      return `Not signed in as an admin (${detail}). Sign in with an admin token.`;
    case 403:
      return `This token has no admin role (${detail}).`;
    case 404:
      return `No such saga (${detail}).`;
    case 409:
      return `Not allowed now: ${detail}`;
    default:
      return detail;
  }
}

export const shortId = (id: string) => id.slice(0, 8);
