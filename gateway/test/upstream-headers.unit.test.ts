import type { IncomingHttpHeaders } from 'node:http';
import { describe, expect, it } from 'vitest';
import { classifyFailure } from '../src/upstreams/forward.ts';
import { connectionOptions, downstreamHeaders, upstreamHeaders } from '../src/upstreams/upstream-headers.ts';

const HOP_BY_HOP: IncomingHttpHeaders = {
  connection: 'close, X-Foo',
  'keep-alive': 'timeout=5',
  'proxy-authorization': 'Basic dTpw',
  'proxy-connection': 'keep-alive',
  te: 'trailers',
  trailer: 'x-checksum',
  'transfer-encoding': 'chunked',
  upgrade: 'h2c',
  'http2-settings': 'AAMAAABkAAQCAAAAAAIAAAAA',
  expect: '100-continue',
  'x-foo': 'named by Connection',
};

function forwarded(caller: IncomingHttpHeaders, sendsBody = false) {
  const request = { headers: caller, correlationId: 'c-1', ip: '10.0.0.9', protocol: 'http' as const };
  return upstreamHeaders(request, { ...caller, host: 'upstream:3001' }, sendsBody);
}

describe('headers sent upstream', () => {
  it('drops every hop-by-hop header, Expect and whatever Connection names, keeping end-to-end ones', () => {
    const sent = forwarded({ ...HOP_BY_HOP, accept: 'application/json', 'x-custom': 'kept' });
    expect(sent).toEqual({
      host: 'upstream:3001',
      accept: 'application/json',
      'x-custom': 'kept',
      'x-correlation-id': 'c-1',
      'x-forwarded-for': '10.0.0.9',
      'x-forwarded-proto': 'http',
    });
  });

  it("forwards the caller's Authorization unchanged, even when Connection names it", () => {
    const sent = forwarded({ authorization: 'Bearer abc.def.ghi', connection: 'authorization' });
    expect(sent.authorization).toBe('Bearer abc.def.ghi');
  });

  it('never sends x-user-id or x-user-roles, whoever claims them', () => {
    const sent = forwarded({ 'x-user-id': 'admin-1', 'x-user-roles': 'admin', authorization: 'Bearer t' });
    expect(sent).not.toHaveProperty('x-user-id');
    expect(sent).not.toHaveProperty('x-user-roles');
  });

  it("cannot lose the gateway's own headers through Connection", () => {
    const sent = forwarded({
      connection: 'x-correlation-id, x-forwarded-for, host',
      'x-correlation-id': 'forged',
    });
    expect(sent).toMatchObject({
      host: 'upstream:3001',
      'x-correlation-id': 'c-1',
      'x-forwarded-for': '10.0.0.9',
    });
  });

  it('keeps content-length only when a body is sent', () => {
    expect(forwarded({ 'content-length': '5' }, false)).not.toHaveProperty('content-length');
    expect(forwarded({ 'content-length': '5' }, true)).toHaveProperty('content-length', '5');
  });

  it('reads Connection lists case-insensitively, in one or several headers', () => {
    expect([...connectionOptions(' Close ,X-Foo,, keep-alive')]).toEqual(['close', 'x-foo', 'keep-alive']);
    expect([...connectionOptions(['a', 'B, c'])]).toEqual(['a', 'b', 'c']);
    expect(connectionOptions(undefined).size).toBe(0);
  });
});

describe('headers sent back to the caller', () => {
  it("drops the upstream connection's headers and sets the correlation id", () => {
    const back = downstreamHeaders(
      { connection: 'keep-alive', 'keep-alive': 'timeout=72', 'content-type': 'application/json' },
      'c-2',
    );
    expect(back).toEqual({ 'content-type': 'application/json', 'x-correlation-id': 'c-2' });
  });
});

describe('failed upstream attempts', () => {
  const wrapped = (code: string) => ({ code: 'FST_REPLY_FROM_INTERNAL_SERVER_ERROR', cause: { code } });
  it('tell a request never sent from one that broke or timed out', () => {
    expect(classifyFailure(wrapped('ECONNREFUSED'))).toBe('connect');
    expect(classifyFailure({ code: 'UND_ERR_CONNECT_TIMEOUT' })).toBe('connect');
    expect(
      classifyFailure({ code: 'FST_REPLY_FROM_GATEWAY_TIMEOUT', cause: { code: 'UND_ERR_HEADERS_TIMEOUT' } }),
    ).toBe('timeout');
    expect(classifyFailure({ code: 'UND_ERR_SOCKET' })).toBe('reset');
    expect(classifyFailure(wrapped('ECONNRESET'))).toBe('reset');
    expect(classifyFailure(new Error('?'))).toBe('reset');
  });

  it('tell a request the HTTP client refused to encode (the caller’s fault) from an upstream failure', () => {
    expect(classifyFailure(wrapped('UND_ERR_INVALID_ARG'))).toBe('unsendable');
    expect(classifyFailure(wrapped('UND_ERR_NOT_SUPPORTED'))).toBe('unsendable');
    expect(classifyFailure(wrapped('UND_ERR_REQ_CONTENT_LENGTH_MISMATCH'))).toBe('unsendable');
    expect(classifyFailure({ code: 'ERR_INVALID_CHAR' })).toBe('unsendable');
  });
});
