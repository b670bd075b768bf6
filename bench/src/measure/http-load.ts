import { Agent, request as httpRequest } from 'node:http';
import { formatCount, type Progress } from './progress.ts';
import { perSecond, quantile, runConcurrently } from './stats.ts';

export interface HttpCall {
  method: 'GET' | 'POST';
  url: string;
  headers?: Record<string, string>;
  body?: unknown;
}

export interface HttpAnswer {
  status: number;
  body: string;
}

/** One request on a keep-alive agent; the body is read whole. */
export function call(agent: Agent, { method, url, headers = {}, body }: HttpCall): Promise<HttpAnswer> {
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = httpRequest(
      url,
      {
        method,
        agent,
        headers: {
          ...headers,
          ...(payload === undefined
            ? {}
            : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(payload) }),
        },
        timeout: 30_000,
      },
      (res) => {
        let text = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => (text += chunk));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: text }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`${method} ${url} timed out`)));
    req.on('error', reject);
    req.end(payload);
  });
}

/** A keep-alive agent with one socket per concurrent caller, as a load tool's connections. */
export const keepAliveAgent = (connections: number) =>
  new Agent({ keepAlive: true, maxSockets: connections, maxFreeSockets: connections });

export interface LoadResult {
  count: number;
  elapsedMs: number;
  requestsPerSecond: number;
  /** Answers by status ('error' when none came). */
  statuses: Record<string, number>;
  p50Ms: number;
  p99Ms: number;
  /** What each call answered, in order (for callers that need the bodies, e.g. saga ids). */
  answers: (HttpAnswer | undefined)[];
}

/** `count` requests over `connections` keep-alive connections, each sent when the previous answered. */
export async function httpLoad(
  options: { count: number; connections: number; label: string; keepAnswers?: boolean },
  make: (index: number) => HttpCall,
  progress: Progress,
): Promise<LoadResult> {
  const agent = keepAliveAgent(options.connections);
  const statuses: Record<string, number> = {};
  const latencies: number[] = [];
  const answers: (HttpAnswer | undefined)[] = [];
  let done = 0;
  const began = Date.now();
  try {
    await runConcurrently(options.count, options.connections, async (i) => {
      const sent = performance.now();
      try {
        const answer = await call(agent, make(i));
        statuses[answer.status] = (statuses[answer.status] ?? 0) + 1;
        if (options.keepAnswers) answers[i] = answer;
      } catch {
        statuses.error = (statuses.error ?? 0) + 1;
      }
      latencies.push(performance.now() - sent);
      done++;
      progress.update(`${options.label} ${formatCount(done)}/${formatCount(options.count)}`);
    });
  } finally {
    agent.destroy();
  }
  const elapsedMs = Date.now() - began;
  return {
    count: options.count,
    elapsedMs,
    requestsPerSecond: perSecond(options.count, elapsedMs),
    statuses,
    p50Ms: quantile(latencies, 0.5),
    p99Ms: quantile(latencies, 0.99),
    answers,
  };
}
