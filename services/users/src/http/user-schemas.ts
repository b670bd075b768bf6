import { Type } from 'typebox';
import { EMAIL_MAX_LENGTH, LANGUAGES, NAME_MAX_LENGTH, NAME_MIN_LENGTH } from '../domain/user-fields.ts';

// Bounds come from the domain, so the schema and the decider refuse the same inputs. Strings are
// trimmed before validation (see trimStrings), so a blank name fails minLength.
//
// `format: email` (TypeBox's RFC 5322 check) rather than the domain's EMAIL_PATTERN: the refusal then
// reads "email must match format "email"" instead of quoting a regex, and OpenAPI clients know the
// format. The decider is stricter still (no quoted local parts, IP literals or dotless domains) and
// answers those with USERS_INVALID_EMAIL naming the field.
const Email = Type.String({
  format: 'email',
  maxLength: EMAIL_MAX_LENGTH,
  description: 'An address like name@example.com; stored trimmed and lower-cased, unique',
});
const Name = Type.String({ minLength: NAME_MIN_LENGTH, maxLength: NAME_MAX_LENGTH });
const Language = Type.Enum(LANGUAGES, { description: 'Preferred language' });
const Timestamp = Type.String({ format: 'date-time' });
const strict = { additionalProperties: false } as const;
/** An update must change something: `{}` is refused, at every level. */
const nonEmpty = { additionalProperties: false, minProperties: 1 } as const;

export const UserIdParams = Type.Object(
  { id: Type.String({ format: 'uuid', description: 'The user id' }) },
  strict,
);

/** None of the routes takes a query; a stray parameter is refused rather than ignored. */
export const NoQuery = Type.Object({}, strict);

export const CreateUserBody = Type.Object(
  {
    email: Email,
    profile: Type.Object({ firstName: Name, lastName: Name }, strict),
    preferences: Type.Object({ language: Language }, strict),
  },
  strict,
);

export const UpdateUserBody = Type.Object(
  {
    email: Type.Optional(Email),
    profile: Type.Optional(
      Type.Object({ firstName: Type.Optional(Name), lastName: Type.Optional(Name) }, nonEmpty),
    ),
    preferences: Type.Optional(Type.Object({ language: Type.Optional(Language) }, nonEmpty)),
  },
  nonEmpty,
);

/** Headers always carry more than these, so unknown ones are allowed here. */
export const IfMatchHeaders = Type.Object({
  'if-match': Type.Optional(
    Type.String({
      pattern: '^(\\*|[0-9]{1,9}|"[0-9]{1,9}")$',
      description: 'The version last read (the ETag); a stale one is refused with 409',
    }),
  ),
});

export const UserSchema = Type.Object(
  {
    id: Type.String({ format: 'uuid' }),
    email: Type.String(),
    profile: Type.Object({ firstName: Type.String(), lastName: Type.String() }, strict),
    preferences: Type.Object({ language: Language }, strict),
    version: Type.Integer({ minimum: 1 }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  strict,
);

/** RFC 7807 problem details as @conveyor/http's error handler sends them. */
export const Problem = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    detail: Type.String(),
    code: Type.String(),
    instance: Type.Optional(Type.String()),
    errors: Type.Optional(Type.Array(Type.Object({ field: Type.String(), message: Type.String() }, strict))),
    details: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  strict,
);
