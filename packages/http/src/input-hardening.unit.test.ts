import { Type } from 'typebox';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { controlCharacterIssues } from './input-hardening.ts';
import { createMetricsRegistry } from './metrics.ts';
import { createServiceApp } from './service-app.ts';
import { bearer, developmentVerifier } from './testing.ts';

const strict = { additionalProperties: false } as const;
const ProfileBody = Type.Object(
  {
    profile: Type.Object({ firstName: Type.String(), lastName: Type.String() }, strict),
    items: Type.Array(Type.Object({ sku: Type.String() }, strict)),
  },
  strict,
);
const SearchQuery = Type.Object(
  { q: Type.Optional(Type.String()), limit: Type.Optional(Type.Integer()) },
  strict,
);
const public_ = { access: 'public' } as const;

describe('input hardening on every createServiceApp route', () => {
  let app: Awaited<ReturnType<typeof createServiceApp>>;
  let handled = 0;
  beforeAll(async () => {
    app = await createServiceApp({
      name: 'test',
      metrics: createMetricsRegistry('test'),
      verifyToken: developmentVerifier(),
      readiness: {},
    });
    await app.register(async (plugin) => {
      // As users' routes do: strings trimmed before validation, by a hook of the service's own.
      plugin.addHook('preValidation', async (request) => {
        if (request.body && typeof request.body === 'object' && 'profile' in request.body) {
          const { profile } = request.body;
          if (profile && typeof profile === 'object' && 'firstName' in profile) {
            const { firstName } = profile;
            if (typeof firstName === 'string') Object.assign(profile, { firstName: firstName.trim() });
          }
        }
      });
      plugin.post('/profiles', { config: public_, schema: { body: ProfileBody } }, async (request) => {
        handled += 1;
        return request.body;
      });
    });
    app.get('/things/:id', { config: public_ }, async (request) => {
      handled += 1;
      return { params: request.params, query: request.query };
    });
    app.get('/search', { config: public_, schema: { querystring: SearchQuery } }, async (request) => {
      handled += 1;
      return request.query;
    });
    app.post('/free', { config: public_ }, async (request) => {
      handled += 1;
      return { body: request.body ?? null };
    });
    app.get('/mine', async () => {
      handled += 1;
      return { ok: true };
    });
    await app.ready();
  });
  afterAll(() => app.close());
  beforeEach(() => {
    handled = 0;
  });

  const body = (firstName: string, sku = 'sku-1') => ({
    profile: { firstName, lastName: 'Doe' },
    items: [{ sku: 'sku-0' }, { sku }],
  });
  const fieldsOf = (json: { errors?: Array<{ field: string; message: string }> }) =>
    (json.errors ?? []).map((e) => e.field);

  it.each([
    ['NUL', '\u0000'],
    ['ESC', '\u001b'],
    ['DEL', '\u007f'],
    ['a unit separator', '\u001f'],
  ])('refuses %s in a nested body field with a 400 naming it, before the handler', async (_name, char) => {
    const response = await app.inject({ method: 'POST', url: '/profiles', payload: body(`Ann${char}e`) });
    expect(response.statusCode).toBe(400);
    expect(response.headers['content-type']).toContain('application/problem+json');
    expect(response.json()).toMatchObject({
      code: 'CONVEYOR_INVALID_REQUEST',
      errors: [{ field: 'profile.firstName', message: 'must not contain control characters' }],
    });
    expect(handled).toBe(0);
  });

  it('names a field inside an array by its index, and every field at fault in the order sent', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/profiles',
      payload: body('Ann\u0000', 'sku\u001b'),
    });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['profile.firstName', 'items.1.sku']);
  });

  it.each([
    ['a trailing NUL', 'Ann\u0000'],
    ['a trailing newline', 'Ann\n'],
    ['a leading tab', '\tAnn'],
    ['a carriage return inside', 'An\rn'],
  ])('refuses %s even where the service trims strings before validation', async (_name, firstName) => {
    const response = await app.inject({ method: 'POST', url: '/profiles', payload: body(firstName) });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['profile.firstName']);
    expect(handled).toBe(0);
  });

  it('refuses a control character in a property name', async () => {
    const response = await app.inject({ method: 'POST', url: '/free', payload: { 'na\u0000me': 'x' } });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['na\u0000me']);
    expect(handled).toBe(0);
  });

  it('refuses a control character in a body sent as plain text, naming the body', async () => {
    const response = await app.inject({
      method: 'POST',
      url: '/free',
      payload: 'hello\u0007',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['body']);
  });

  it.each(['%00', '%1B', '%7F', 'a%0Ab', '%09'])(
    'refuses %s in a query parameter with a 400 naming it',
    async (raw) => {
      const response = await app.inject({ method: 'GET', url: `/search?q=${raw}` });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        code: 'CONVEYOR_INVALID_REQUEST',
        detail: 'invalid request query: q must not contain control characters',
        errors: [{ field: 'q', message: 'must not contain control characters' }],
      });
      expect(handled).toBe(0);
    },
  );

  it('refuses a control character in a repeated query parameter', async () => {
    const response = await app.inject({ method: 'GET', url: '/search?q=a&q=%00' });
    expect(response.statusCode).toBe(400);
    expect(fieldsOf(response.json())).toEqual(['q.1']);
  });

  it.each(['%00', 'a%1Bb', '%7F', '%0A'])(
    'refuses %s in a path parameter with a 400 naming it',
    async (raw) => {
      const response = await app.inject({ method: 'GET', url: `/things/${raw}` });
      expect(response.statusCode).toBe(400);
      expect(response.json()).toMatchObject({
        detail: 'invalid request params: id must not contain control characters',
        errors: [{ field: 'id', message: 'must not contain control characters' }],
      });
      expect(handled).toBe(0);
    },
  );

  it('accepts accented letters, CJK, emoji and non-C0 characters in the body, query and path', async () => {
    const text = 'Élodie 日本 🚀 \u00a0\u2028ü';
    const posted = await app.inject({ method: 'POST', url: '/profiles', payload: body(text, '日本-🚀') });
    expect(posted.statusCode).toBe(200);
    expect(posted.json().profile.firstName).toBe(text);
    const searched = await app.inject({ method: 'GET', url: `/search?q=${encodeURIComponent(text)}` });
    expect(searched.statusCode).toBe(200);
    expect(searched.json()).toEqual({ q: text });
    const path = await app.inject({ method: 'GET', url: `/things/${encodeURIComponent('é日本🚀')}` });
    expect(path.statusCode).toBe(200);
    expect(path.json().params).toEqual({ id: 'é日本🚀' });
  });

  it('refuses an unknown query parameter on a route that declares no query, naming it', async () => {
    const response = await app.inject({ method: 'GET', url: '/things/1?debug=true' });
    expect(response.statusCode).toBe(400);
    expect(response.json()).toMatchObject({
      code: 'CONVEYOR_INVALID_REQUEST',
      errors: [{ field: 'debug', message: 'is not allowed' }],
    });
    const posted = await app.inject({ method: 'POST', url: '/free?userId=x', payload: {} });
    expect(posted.statusCode).toBe(400);
    expect(fieldsOf(posted.json())).toEqual(['userId']);
    expect(handled).toBe(0);
  });

  it('answers a route without a query schema when it gets no query, or an empty one', async () => {
    expect((await app.inject({ method: 'GET', url: '/things/1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/things/1?' })).statusCode).toBe(200);
  });

  it("keeps a route's own querystring schema: its parameters pass, unknown ones are refused", async () => {
    const known = await app.inject({ method: 'GET', url: '/search?q=abc&limit=5' });
    expect(known.statusCode).toBe(200);
    expect(known.json()).toEqual({ q: 'abc', limit: 5 });
    const unknown = await app.inject({ method: 'GET', url: '/search?q=abc&page=2' });
    expect(unknown.statusCode).toBe(400);
    expect(fieldsOf(unknown.json())).toEqual(['page']);
  });

  it('checks identity first: a caller without a token gets 401, not a hint about the input', async () => {
    const anonymous = await app.inject({ method: 'GET', url: '/mine?x=%00' });
    expect(anonymous.statusCode).toBe(401);
    const known = await app.inject({ method: 'GET', url: '/mine?x=1', headers: bearer('user-a') });
    expect(known.statusCode).toBe(400);
    expect(fieldsOf(known.json())).toEqual(['x']);
  });

  it('keeps /docs/json, /health and unknown routes answering as before', async () => {
    const docs = await app.inject({ method: 'GET', url: '/docs/json' });
    expect(docs.statusCode).toBe(200);
    expect(docs.json().openapi).toMatch(/^3\./);
    expect((await app.inject({ method: 'GET', url: '/docs/json?v=1' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/docs/static/swagger-ui.css' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health' })).statusCode).toBe(200);
    expect((await app.inject({ method: 'GET', url: '/health?probe=1' })).statusCode).toBe(400);
    const nowhere = await app.inject({ method: 'GET', url: '/nowhere?x=1', headers: bearer('user-a') });
    expect(nowhere.statusCode).toBe(404);
  });

  it('walks a body nested 30,000 deep without overflowing the stack: a 400, never a 500', async () => {
    const depth = 30_000;
    const payload = `${'['.repeat(depth)}"\\u0000"${']'.repeat(depth)}`;
    const response = await app.inject({
      method: 'POST',
      url: '/free',
      payload,
      headers: { 'content-type': 'application/json' },
    });
    expect(response.statusCode).toBe(400);
    expect(response.json().errors[0].message).toBe('must not contain control characters');
  });
});

describe('controlCharacterIssues', () => {
  it('gives JSON pointers, escaping "~" and "/" in property names', () => {
    expect(controlCharacterIssues({ 'a/b': { 'c~d': '\u0000' } }).map((i) => i.instancePath)).toEqual([
      '/a~1b/c~0d',
    ]);
  });

  it('finds nothing in clean values of every type', () => {
    expect(controlCharacterIssues({ a: 'é', b: 1, c: null, d: true, e: ['日本'], f: undefined })).toEqual([]);
    expect(controlCharacterIssues(undefined)).toEqual([]);
  });
});
