import { bearer } from '@conveyor/http/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createUsersWorld, newCaller, newUser, type UsersWorld } from './support/users-world.ts';

/** What a bad request sends. `:id` in the url is replaced by the id of an existing user. */
interface BadRequest {
  method: 'POST' | 'GET' | 'PATCH';
  url: string;
  body?: unknown;
  /** Sent as is, with this content type (malformed JSON, forms). */
  raw?: { payload: string; contentType: string };
  headers?: Record<string, string>;
}

/** What it must get: a status, the problem's code, the field it names, words of its message. */
interface Refusal {
  status: number;
  /** @default 'CONVEYOR_INVALID_REQUEST' */
  code?: string;
  field?: string;
  detail?: RegExp;
}

const ok = newUser('valid@example.com');
const post = (body: unknown, url = '/users'): BadRequest => ({ method: 'POST', url, body });
const patch = (body: unknown, headers?: Record<string, string>): BadRequest => ({
  method: 'PATCH',
  url: '/users/:id',
  body,
  ...(headers ? { headers } : {}),
});
const get = (url: string): BadRequest => ({ method: 'GET', url });
const raw = (method: 'POST' | 'PATCH', payload: string, contentType = 'application/json'): BadRequest => ({
  method,
  url: method === 'POST' ? '/users' : '/users/:id',
  raw: { payload, contentType },
});
/** A 400 naming the field; `code` when the decider (not the schema) refuses it. */
const field = (name: string, detail?: RegExp, code?: string): Refusal => ({
  status: 400,
  field: name,
  detail,
  code,
});
const tooLarge: Refusal = { status: 413, code: 'FST_ERR_CTP_BODY_TOO_LARGE', detail: /body is too large/i };
const decider = 'USERS_INVALID_EMAIL';

const badInputs: [string, BadRequest, Refusal][] = [
  ['no email', post({ ...ok, email: undefined }), field('email', /email is required/)],
  ['no profile', post({ ...ok, profile: undefined }), field('profile')],
  ['no preferences', post({ ...ok, preferences: undefined }), field('preferences')],
  ['no last name', post({ ...ok, profile: { firstName: 'A' } }), field('profile.lastName', /is required/)],
  ['no language', post({ ...ok, preferences: {} }), field('preferences.language')],
  ['an email that is a number', post({ ...ok, email: 42 }), field('email', /must be string/)],
  [
    'a first name object',
    post({ ...ok, profile: { firstName: {}, lastName: 'L' } }),
    field('profile.firstName'),
  ],
  [
    'a profile that is a string',
    post({ ...ok, profile: 'Ada Lovelace' }),
    field('profile', /must be object/),
  ],
  ['an email without @', post({ ...ok, email: 'ada.example.com' }), field('email', /match format "email"/)],
  ['an email with a space', post({ ...ok, email: 'ada lovelace@example.com' }), field('email')],
  [
    'an email over 254 characters',
    post({ ...ok, email: `${'a'.repeat(250)}@example.com` }),
    field('email', /254/),
  ],
  // Valid per RFC 5322 (the schema's format), refused by the decider: still before any write.
  [
    'an email without a domain dot',
    post({ ...ok, email: 'ada@localhost' }),
    field('email', /name@example/, decider),
  ],
  [
    'a quoted local part',
    post({ ...ok, email: '"ada lovelace"@example.com' }),
    field('email', undefined, decider),
  ],
  [
    'a blank first name',
    post({ ...ok, profile: { firstName: '   ', lastName: 'L' } }),
    field('profile.firstName'),
  ],
  [
    'a 101-character last name',
    post({ ...ok, profile: { firstName: 'A', lastName: 'x'.repeat(101) } }),
    field('profile.lastName', /100/),
  ],
  [
    'an unknown language',
    post({ ...ok, preferences: { language: 'de' } }),
    field('preferences.language', /en, es, fr/),
  ],
  ['an extra field', post({ ...ok, role: 'admin' }), field('role', /role is not allowed/)],
  [
    'an extra profile field',
    post({ ...ok, profile: { firstName: 'A', lastName: 'L', nick: 'x' } }),
    field('profile.nick'),
  ],
  ['a client-chosen id', post({ ...ok, id: '6f1c2a44-0d1e-4b3a-9a43-1f4a3b1f9e01' }), field('id')],
  ['an array body', post([ok]), field('body', /must be object/)],
  ['a query parameter', post(ok, '/users?dryRun=true'), field('dryRun', /not allowed/)],
  ['malformed JSON', raw('POST', '{"email": "a@example.com",'), field('body', /not valid JSON/)],
  ['an empty JSON body', raw('POST', ''), field('body')],
  [
    'a body over 64 KiB',
    post({ ...ok, profile: { firstName: 'x'.repeat(70_000), lastName: 'L' } }),
    tooLarge,
  ],
  [
    'a form body',
    raw('POST', 'email=a%40example.com', 'application/x-www-form-urlencoded'),
    { status: 415, code: 'FST_ERR_CTP_INVALID_MEDIA_TYPE', detail: /media type/i },
  ],
  ['an id that is not a UUID', get('/users/42'), field('id', /id must match format "uuid"/)],
  ['a query parameter', get('/users/:id?fields=email'), field('fields')],
  [
    'an id that is not a UUID',
    { ...patch({ profile: { firstName: 'A' } }), url: '/users/nope' },
    field('id'),
  ],
  ['an empty body', patch({}), field('body', /fewer than 1 properties/)],
  ['no body at all', patch(undefined), field('body')],
  ['an empty profile', patch({ profile: {} }), field('profile')],
  ['empty preferences', patch({ preferences: {} }), field('preferences')],
  ['a bad email', patch({ email: 'nope' }), field('email')],
  ['an email with an IP literal', patch({ email: 'ada@[10.0.0.1]' }), field('email', undefined, decider)],
  ['a null email', patch({ email: null }), field('email')],
  ['an unknown language', patch({ preferences: { language: 'EN' } }), field('preferences.language')],
  ['a last name that is a number', patch({ profile: { lastName: 7 } }), field('profile.lastName')],
  ['a blank first name', patch({ profile: { firstName: ' ' } }), field('profile.firstName')],
  ['a version in the body', patch({ version: 9, email: 'a@example.com' }), field('version')],
  ['an extra preferences field', patch({ preferences: { theme: 'dark' } }), field('preferences.theme')],
  [
    'an If-Match that is not a version',
    patch({ email: 'a@example.com' }, { 'if-match': 'W/"x"' }),
    field('if-match'),
  ],
  ['malformed JSON', raw('PATCH', '{profile:'), field('body')],
  ['a body over 64 KiB', patch({ profile: { firstName: 'y'.repeat(66_000) } }), tooLarge],
  // Postgres cannot store U+0000 (text or jsonb): refused as input, never a 500 from the write.
  [
    'a NUL in the first name',
    post({ ...ok, profile: { firstName: 'Ada\u0000', lastName: 'L' } }),
    field('profile.firstName'),
  ],
  ['a NUL in the first name', patch({ profile: { firstName: '\u0000Ada' } }), field('profile.firstName')],
];

describe('users API refuses bad input before writing anything', () => {
  let world: UsersWorld;
  let existingId: string;
  beforeAll(async () => {
    world = await createUsersWorld();
    const owner = newCaller();
    const created = await world.app.inject({
      method: 'POST',
      url: '/users',
      payload: newUser('existing@example.com'),
      headers: owner.headers,
    });
    existingId = created.json().id;
  });
  afterAll(() => world?.close());

  it.each(
    badInputs.map(
      ([name, request, refusal]) =>
        [`${request.method} ${request.url} with ${name}`, request, refusal] as const,
    ),
  )('%s', async (_title, request, refusal) => {
    const before = await world.counts();
    const response = await world.app.inject({
      method: request.method,
      url: request.url.replace(':id', existingId),
      // A registration by someone new; reads and changes by the existing user's owner.
      headers: {
        ...(request.method === 'POST' ? newCaller().headers : bearer(existingId)),
        ...request.headers,
        ...(request.raw ? { 'content-type': request.raw.contentType } : {}),
      },
      ...(request.raw
        ? { payload: request.raw.payload }
        : request.body === undefined
          ? {}
          : { payload: request.body as object }),
    });
    expect(response.statusCode, response.body).toBe(refusal.status);
    expect(response.headers['content-type']).toContain('application/problem+json');
    const problem = response.json();
    expect(problem).toMatchObject({
      status: refusal.status,
      code: refusal.code ?? 'CONVEYOR_INVALID_REQUEST',
    });
    if (refusal.field) {
      expect(problem.errors.map((e: { field: string }) => e.field)).toContain(refusal.field);
      expect(problem.detail).toContain(refusal.field === 'body' ? 'body' : refusal.field);
    }
    if (refusal.detail) expect(problem.detail).toMatch(refusal.detail);
    expect(await world.counts()).toEqual(before);
  });

  it('leaves the existing user as it was', async () => {
    const response = await world.app.inject({
      method: 'GET',
      url: `/users/${existingId}`,
      headers: bearer(existingId),
    });
    expect(response.json()).toMatchObject({ email: 'existing@example.com', version: 1 });
    expect(await world.counts()).toEqual({ users: 1, events: 1, outbox: 1 });
  });
});
