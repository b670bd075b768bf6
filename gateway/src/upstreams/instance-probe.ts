import { request as httpRequest } from 'node:http';
import { request as httpsRequest } from 'node:https';

/** GETs one endpoint of an instance and resolves when it answers 2xx within the timeout. */
export type InstanceProbe = (url: string, timeoutMs: number, correlationId: string) => Promise<void>;

/** A probe of `path`: a fresh connection each time (no keep-alive pool left behind), with a deadline. */
export function probeEndpoint(path: string): InstanceProbe {
  return (url, timeoutMs, correlationId) =>
    new Promise<void>((resolve, reject) => {
      const target = new URL(path, url);
      const send = target.protocol === 'https:' ? httpsRequest : httpRequest;
      const req = send(target, {
        method: 'GET',
        agent: false,
        headers: { accept: 'application/json', 'x-correlation-id': correlationId },
      });
      const timer = setTimeout(() => req.destroy(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
      req.on('close', () => clearTimeout(timer));
      req.on('error', (error) => reject(error));
      req.on('response', (response) => {
        response.resume();
        const status = response.statusCode ?? 0;
        if (status >= 200 && status < 300) resolve();
        else reject(new Error(`answered ${status}`));
      });
      req.end();
    });
}

/** Liveness, for the gateway's /health report. */
export const probeHealth = probeEndpoint('/health');
/** Readiness: the instance has its database and broker and is not draining (readiness-watch.ts). */
export const probeReady = probeEndpoint('/ready');
