import { connect } from 'node:net';

export interface RawRequest {
  method: string;
  /** Sent byte for byte: `..`, `%2e%2e` and backslashes reach the server as written. */
  target: string;
  headers?: Record<string, string>;
  /** A string is sent as is (bad JSON stays bad); an object is sent as JSON. */
  body?: string | object;
}

export interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/**
 * One HTTP/1.1 request on its own connection. fetch cannot send what a hostile client sends: it
 * normalises dot segments and refuses hop-by-hop headers (Connection, Keep-Alive, Upgrade, TE,
 * Expect), so the suite writes the request bytes itself.
 */
export function rawRequest(origin: string, request: RawRequest, timeoutMs = 10_000): Promise<RawResponse> {
  const { hostname, port } = new URL(origin);
  const body =
    request.body === undefined
      ? undefined
      : typeof request.body === 'string'
        ? request.body
        : JSON.stringify(request.body);
  const headers: Record<string, string> = {
    host: `${hostname}:${port}`,
    ...(body === undefined ? {} : { 'content-type': 'application/json' }),
    ...lowerCased(request.headers ?? {}),
  };
  if (
    body !== undefined &&
    headers['content-length'] === undefined &&
    headers['transfer-encoding'] === undefined
  )
    headers['content-length'] = String(Buffer.byteLength(body));
  if (headers.connection === undefined) headers.connection = 'close';
  const head = [
    `${request.method} ${request.target} HTTP/1.1`,
    ...Object.entries(headers).map(([name, value]) => `${name}: ${value}`),
    '',
    '',
  ].join('\r\n');
  return new Promise((resolve, reject) => {
    const socket = connect({ host: hostname, port: Number(port) });
    let received = Buffer.alloc(0);
    let settled = false;
    const finish = (error?: Error) => {
      if (settled) return;
      const parsed = parseResponse(received);
      if (!error && parsed === undefined) return;
      settled = true;
      clearTimeout(timer);
      socket.destroy();
      if (parsed) resolve(parsed);
      else reject(error);
    };
    const timer = setTimeout(
      () => finish(new Error(`no complete answer to ${request.method} ${request.target} in ${timeoutMs} ms`)),
      timeoutMs,
    );
    socket.on('connect', () => socket.write(body === undefined ? head : head + body));
    socket.on('data', (chunk) => {
      received = Buffer.concat([received, chunk]);
      finish();
    });
    socket.on('end', () => finish(new Error(`connection closed before an answer to ${request.target}`)));
    socket.on('error', (error) => finish(error));
  });
}

function lowerCased(headers: Record<string, string>): Record<string, string> {
  return Object.fromEntries(Object.entries(headers).map(([name, value]) => [name.toLowerCase(), value]));
}

/** The final response in what arrived so far (a 100 Continue is skipped), or undefined when incomplete. */
function parseResponse(data: Buffer): RawResponse | undefined {
  let offset = 0;
  for (;;) {
    const end = data.indexOf('\r\n\r\n', offset);
    if (end === -1) return undefined;
    const lines = data.subarray(offset, end).toString('latin1').split('\r\n');
    const status = Number(lines[0]?.split(' ')[1]);
    const headers: Record<string, string> = {};
    for (const line of lines.slice(1)) {
      const colon = line.indexOf(':');
      if (colon > 0) headers[line.slice(0, colon).trim().toLowerCase()] = line.slice(colon + 1).trim();
    }
    const start = end + 4;
    if (status >= 100 && status < 200 && status !== 101) {
      offset = start;
      continue;
    }
    const rest = data.subarray(start);
    if (headers['transfer-encoding']?.includes('chunked')) {
      const body = dechunk(rest);
      return body === undefined ? undefined : { status, headers, body };
    }
    const length = Number(headers['content-length'] ?? 0);
    if (rest.length < length) return undefined;
    return { status, headers, body: rest.subarray(0, length).toString('utf8') };
  }
}

function dechunk(data: Buffer): string | undefined {
  const parts: Buffer[] = [];
  let offset = 0;
  for (;;) {
    const lineEnd = data.indexOf('\r\n', offset);
    if (lineEnd === -1) return undefined;
    const size = Number.parseInt(data.subarray(offset, lineEnd).toString('latin1'), 16);
    if (Number.isNaN(size)) return undefined;
    if (size === 0) return Buffer.concat(parts).toString('utf8');
    const start = lineEnd + 2;
    if (data.length < start + size + 2) return undefined;
    parts.push(data.subarray(start, start + size));
    offset = start + size + 2;
  }
}
