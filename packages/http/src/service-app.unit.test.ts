import { Type } from 'typebox';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMetricsRegistry } from './metrics.ts';
import { createServiceApp } from './service-app.ts';
import { bearer, developmentVerifier } from './testing.ts';

// Routes need a caller by default; these tests are about everything else.
const caller = bearer('u-1');

describe('createServiceApp', () => {
  let app: Awaited<ReturnType<typeof createServiceApp>>;
  let databaseUp = true;
  beforeAll(async () => {
    app = await createServiceApp({
      name: 'test',
      metrics: createMetricsRegistry('test'),
      bodyLimit: 1_024,
      verifyToken: developmentVerifier(),
      readiness: {
        database: async () => {
          if (!databaseUp) throw new Error('connection refused');
        },
      },
    });
    app.post(
      '/things',
      {
        schema: {
          body: Type.Object(
            { name: Type.String({ minLength: 1 }), count: Type.Integer({ minimum: 1 }) },
            { additionalProperties: false },
          ),
        },
      },
      async (request, reply) =>
        reply.code(201).send({ name: request.body.name, correlationId: request.correlationId }),
    );
    await app.ready();
  });
  afterAll(() => app.close());

  it('keeps the caller correlation id and returns it', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', count: 1 },
      headers: { ...caller, 'x-correlation-id': 'req-42' },
    });
    expect(response.statusCode).toBe(201);
    expect(response.headers['x-correlation-id']).toBe('req-42');
    expect(response.json()).toEqual({ name: 'a', correlationId: 'req-42' });
  });

  it('makes a correlation id when the caller sent none', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'a', count: 1 },
      headers: caller,
    });
    expect(response.headers['x-correlation-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  it.each([
    ['a missing field', { count: 1 }, 'name'],
    ['a wrong type', { name: 'a', count: 'many' }, 'count'],
    ['an unknown field', { name: 'a', count: 1, extra: true }, 'extra'],
  ])('answers %s with a 400 problem naming the field', async (_case, payload, field) => {
    const response = await app.inject({ method: 'POST', url: '/things', payload, headers: caller });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json().errors.map((e: { field: string }) => e.field)).toContain(field);
  });

  it('answers malformed JSON with 400 and an oversize body with 413, as problems', async () => {
    const malformed = await app.inject({
      method: 'POST',
      url: '/things',
      payload: '{"name":',
      headers: { ...caller, 'content-type': 'application/json' },
    });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json()).toMatchObject({ code: 'CONVEYOR_INVALID_REQUEST', errors: [{ field: 'body' }] });
    const oversize = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x'.repeat(2_000), count: 1 },
      headers: caller,
    });
    expect(oversize.statusCode).toBe(413);
    expect(oversize.json()).toMatchObject({ status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE' });
  });

  it('answers an unknown route with a 404 problem to a caller, and 401 to a stranger', async () => {
    const response = await app.inject({ method: 'GET', url: '/nope', headers: caller });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toMatchObject({ status: 404, code: 'CONVEYOR_ROUTE_NOT_FOUND' });
    expect((await app.inject({ method: 'GET', url: '/nope' })).statusCode).toBe(401);
  });

  it('refuses a route without a token before reading its body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/things',
      payload: { name: 'x'.repeat(2_000) },
    });
    expect(response.statusCode).toBe(401);
    expect(response.json()).toMatchObject({
      code: 'CONVEYOR_UNAUTHORIZED',
      details: { reason: 'missing-token' },
    });
  });

  it('is alive on /health and ready on /ready only while its checks pass', async () => {
    expect((await app.inject('/health')).json()).toEqual({ status: 'ok' });
    expect((await app.inject('/ready')).statusCode).toBe(200);
    databaseUp = false;
    const down = await app.inject('/ready');
    expect(down.statusCode).toBe(503);
    expect(down.json().checks.database).toMatchObject({ status: 'down', error: 'connection refused' });
    databaseUp = true;
  });

  it('serves Prometheus metrics and the OpenAPI document', async () => {
    await app.inject('/health');
    const metrics = await app.inject('/metrics');
    expect(metrics.body).toContain('http_request_duration_seconds_bucket');
    const openapi = await app.inject('/docs/json');
    expect(openapi.json().paths).toHaveProperty('/things');
  });
});
