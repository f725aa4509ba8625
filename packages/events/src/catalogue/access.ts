import { z } from 'zod';
import { defineEvent } from '../definition.js';
import type { AnyEventDefinition } from '../definition.js';
import { Id, Instant, WELL_FORMED, isWellFormed } from '../primitives.js';

/**
 * 访问留痕: every query a supervision, judicial or analyst user makes of the accountability read models is itself
 * recorded, before it is answered, on the stream `access-<personId>` (services/accountability, docs/ACCOUNTABILITY.md).
 * Who asked (the person, the post and unit they acted in, their roles), what (the operation, its subject, its
 * parameters) and when. Supervision reads these records; reading them is recorded too.
 */

/** A role as tokens name it (`supervision`, `public-security`): the catalogue does not depend on the service kit. */
export const AccessRole = z.string().regex(/^[a-z][a-z-]{0,39}$/, 'a role is lowercase letters and dashes');

const AccessText = (max: number) => z.string().max(max).refine(isWellFormed, WELL_FORMED);

/** One query parameter as it was asked: a short scalar. Longer values are cut by the recorder, never dropped. */
export const AccessParameterValue = z.union([AccessText(500), z.number(), z.boolean(), z.null()]);

/** The limits of `parameters`: a handful of short scalars, so that one record cannot swamp the log. */
export const ACCESS_PARAMETERS_MAX_KEYS = 20;
export const ACCESS_PARAMETER_MAX_LENGTH = 500;

export const AccessParameters = z
  .record(z.string().regex(/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/, 'a parameter name is 1–64 letters, digits, "_", "." or "-"'), AccessParameterValue)
  .refine((parameters) => Object.keys(parameters).length <= ACCESS_PARAMETERS_MAX_KEYS, {
    message: `at most ${String(ACCESS_PARAMETERS_MAX_KEYS)} parameters`,
  });
export type AccessParameters = z.infer<typeof AccessParameters>;

export const AccessQueriedV1 = z
  .object({
    who: z.object({
      personId: Id,
      postId: Id.nullable(),
      unitId: Id.nullable(),
      roles: z.array(AccessRole).min(1).max(20),
    }),
    what: z.object({
      /** The route's operationId, e.g. `getInboxTransfer`. */
      operationId: z.string().regex(/^[A-Za-z][A-Za-z0-9]{0,99}$/, 'an operationId is 1–100 letters and digits'),
      /** What was looked at, as a stream id where there is one (`case-…`, `person-…`); null for a list. */
      subject: AccessText(300).nullable(),
      parameters: AccessParameters,
    }),
    /** When the query was asked (the service clock); the envelope's `occurredAt` is the same instant. */
    when: Instant,
  })
  .describe('access.queried.v1 — 访问留痕 (查询记录)');
export const accessQueriedV1 = defineEvent('access.queried.v1', AccessQueriedV1);
export type AccessQueriedV1 = z.infer<typeof AccessQueriedV1>;

/** Every event of an access stream (`access-<personId>`): services/accountability. */
export const accessEvents = [accessQueriedV1] as const satisfies readonly AnyEventDefinition[];
