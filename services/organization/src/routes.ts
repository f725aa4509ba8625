import { z } from 'zod';
import { CalendarDate, Id } from '@quanze/events';
import { Role, accepted, defineRoute, hasRole, ok } from '@quanze/service-kit';
import type { Audience, Principal, RouteDefinition } from '@quanze/service-kit';
import {
  AppointPersonBody,
  AssignResponsibilityBody,
  CertifyPersonBody,
  DefineMeasureBody,
  DissolveUnitBody,
  EstablishPostBody,
  MergeUnitBody,
  RegisterPersonBody,
  RegisterUnitBody,
  RemovePersonBody,
  RenameUnitBody,
  RetirePersonBody,
  RevokeCertificationBody,
} from './commands.js';
import type { OrganizationCommands } from './commands.js';
import type { CertifyingCapacity } from './person-decider.js';
import type { createOrganizationQueries } from './queries.js';

const UnitParams = z.object({ unitId: Id });
const PersonParams = z.object({ personId: Id });
const CertificateParams = z.object({ personId: Id, certificateId: Id });
const MeasureParams = z.object({ measureId: Id });
const NoQuery = z.object({}).strict();
const OnQuery = z.object({ on: CalendarDate.optional().describe('YYYY-MM-DD; today (China) when omitted') }).strict();

// The organisation chart is kept by administrators (编办 / 组织人事). 执法证 are granted by the legal affairs office
// (法制办), whose staff hold the legal-reviewer role: the decider holds them to their own unit and to today on.
const ADMIN: readonly Audience[] = ['admin'];
const CERTIFIERS: readonly Audience[] = ['admin', 'legal-reviewer'];
// Officials' records are for people inside the system; units and the plan's measures are public information.
const ANY_ROLE: readonly Audience[] = Role.options;
const PUBLIC: readonly Audience[] = ['public'];

/** An administrator records certificates as one (any unit, any date); everyone else the route lets in as a legal reviewer. */
const capacityOf = (caller: Principal | null): CertifyingCapacity => (hasRole(caller, 'admin') ? 'admin' : 'legal-reviewer');

export function organizationRoutes(
  commands: OrganizationCommands,
  queries: ReturnType<typeof createOrganizationQueries>,
): RouteDefinition[] {
  return [
    // ── Units ──
    defineRoute({
      method: 'post',
      path: '/units',
      operationId: 'registerUnit',
      summary: 'Register a unit (机构设立)',
      kind: 'command',
      allow: ADMIN,
      query: NoQuery,
      body: RegisterUnitBody,
      async handle({ body, meta, newSubjectId }) {
        const unitId = newSubjectId();
        return accepted(await commands.registerUnit(unitId, body, meta), { unitId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/units/:unitId/renames',
      operationId: 'renameUnit',
      summary: 'Rename a unit, with its code after the rename (机构更名)',
      kind: 'command',
      allow: ADMIN,
      params: UnitParams,
      query: NoQuery,
      body: RenameUnitBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.renameUnit(params.unitId, body, meta), { unitId: params.unitId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/units/:unitId/posts',
      operationId: 'establishPost',
      summary: 'Establish a post in a unit: one seat, one holder at a time (职位设置)',
      kind: 'command',
      allow: ADMIN,
      params: UnitParams,
      query: NoQuery,
      body: EstablishPostBody,
      async handle({ params, body, meta, newSubjectId }) {
        const postId = newSubjectId();
        return accepted(await commands.establishPost(params.unitId, postId, body, meta), { unitId: params.unitId, postId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/units/:unitId/mergers',
      operationId: 'mergeUnit',
      summary: 'Merge a unit into its successor, which takes over its responsibilities (机构合并)',
      kind: 'command',
      allow: ADMIN,
      params: UnitParams,
      query: NoQuery,
      body: MergeUnitBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.mergeUnit(params.unitId, body, meta), { unitId: params.unitId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/units/:unitId/dissolutions',
      operationId: 'dissolveUnit',
      summary: 'Dissolve a unit, naming its successor if any (机构撤销)',
      kind: 'command',
      allow: ADMIN,
      params: UnitParams,
      query: NoQuery,
      body: DissolveUnitBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.dissolveUnit(params.unitId, body, meta), { unitId: params.unitId });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/units',
      operationId: 'listUnits',
      summary: 'Every unit, with its status and who answers for it today',
      description: 'Scans the whole log until the read models exist.',
      kind: 'query',
      allow: PUBLIC,
      query: NoQuery,
      async handle() {
        return ok({ units: await queries.listUnits() });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/units/:unitId',
      operationId: 'getUnit',
      summary: 'A unit: names, posts, reforms, its successor chain and who answers for it today, and its history',
      kind: 'query',
      allow: PUBLIC,
      params: UnitParams,
      query: NoQuery,
      async handle({ params, caller }) {
        return ok(await queries.getUnit(params.unitId, caller !== null));
      },
    }),

    // ── Persons ──
    defineRoute({
      method: 'post',
      path: '/persons',
      operationId: 'registerPerson',
      summary: 'Register an official (公职人员)',
      kind: 'command',
      allow: ADMIN,
      query: NoQuery,
      body: RegisterPersonBody,
      async handle({ body, meta, newSubjectId }) {
        const personId = newSubjectId();
        return accepted(await commands.registerPerson(personId, body, meta), { personId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/persons/:personId/appointments',
      operationId: 'appointPerson',
      summary: 'Appoint a person to a vacant post of a unit (任职)',
      kind: 'command',
      allow: ADMIN,
      params: PersonParams,
      query: NoQuery,
      body: AppointPersonBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.appointPerson(params.personId, body, meta), { personId: params.personId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/persons/:personId/removals',
      operationId: 'removePerson',
      summary: 'Remove a person from a post they hold (免职, 轮岗)',
      kind: 'command',
      allow: ADMIN,
      params: PersonParams,
      query: NoQuery,
      body: RemovePersonBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.removePerson(params.personId, body, meta), { personId: params.personId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/persons/:personId/retirement',
      operationId: 'retirePerson',
      summary: 'Retire a person: remaining posts end and certificates are surrendered in the same step (退休)',
      kind: 'command',
      allow: ADMIN,
      params: PersonParams,
      query: NoQuery,
      body: RetirePersonBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.retirePerson(params.personId, body, meta), { personId: params.personId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/persons/:personId/certifications',
      operationId: 'certifyPerson',
      summary: 'Record an enforcement certificate (行政执法证, 持证上岗)',
      kind: 'command',
      allow: CERTIFIERS,
      params: PersonParams,
      query: NoQuery,
      body: CertifyPersonBody,
      async handle({ params, body, caller, meta, newSubjectId }) {
        const certificateId = newSubjectId();
        return accepted(await commands.certifyPerson(params.personId, certificateId, body, capacityOf(caller), meta), {
          personId: params.personId,
          certificateId,
        });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/persons/:personId/certifications/:certificateId/revocations',
      operationId: 'revokeCertification',
      summary: 'Revoke an enforcement certificate (吊销 / 收回)',
      kind: 'command',
      allow: CERTIFIERS,
      params: CertificateParams,
      query: NoQuery,
      body: RevokeCertificationBody,
      async handle({ params, body, caller, meta }) {
        return accepted(await commands.revokeCertification(params.personId, params.certificateId, body, capacityOf(caller), meta), {
          personId: params.personId,
          certificateId: params.certificateId,
        });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/persons/:personId',
      operationId: 'getPerson',
      summary: 'An official: posts held, every tenure, certificates and whether each is valid today, and the history',
      kind: 'query',
      allow: ANY_ROLE,
      params: PersonParams,
      query: NoQuery,
      async handle({ params }) {
        return ok(await queries.getPerson(params.personId));
      },
    }),
    defineRoute({
      method: 'get',
      path: '/persons/:personId/certifications',
      operationId: 'getValidCertifications',
      summary: 'The enforcement certificates valid on a day (持证上岗)',
      kind: 'query',
      allow: ANY_ROLE,
      params: PersonParams,
      query: OnQuery,
      async handle({ params, query }) {
        return ok(await queries.certificationsOn(params.personId, query.on));
      },
    }),

    // ── Measures ──
    defineRoute({
      method: 'post',
      path: '/measures',
      operationId: 'defineMeasure',
      summary: 'Record a measure of the action plan (具体措施)',
      kind: 'command',
      allow: ADMIN,
      query: NoQuery,
      body: DefineMeasureBody,
      async handle({ body, meta, newSubjectId }) {
        const measureId = newSubjectId();
        return accepted(await commands.defineMeasure(measureId, body, meta), { measureId });
      },
    }),
    defineRoute({
      method: 'post',
      path: '/measures/:measureId/responsibilities',
      operationId: 'assignResponsibility',
      summary: 'Assign lead and cooperating units to a measure (责任单位); a later assignment supersedes, with a reason',
      kind: 'command',
      allow: ADMIN,
      params: MeasureParams,
      query: NoQuery,
      body: AssignResponsibilityBody,
      async handle({ params, body, meta }) {
        return accepted(await commands.assignResponsibility(params.measureId, body, meta), { measureId: params.measureId });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/measures',
      operationId: 'listMeasures',
      summary: 'Every measure of the plan with its units in force',
      description: 'Scans the whole log until the read models exist.',
      kind: 'query',
      allow: PUBLIC,
      query: NoQuery,
      async handle() {
        return ok({ measures: await queries.listMeasures() });
      },
    }),
    defineRoute({
      method: 'get',
      path: '/measures/:measureId',
      operationId: 'getMeasure',
      summary: 'A measure: its text, every assignment, and who answers for it today after reforms',
      kind: 'query',
      allow: PUBLIC,
      params: MeasureParams,
      query: NoQuery,
      async handle({ params, caller }) {
        return ok(await queries.getMeasure(params.measureId, caller !== null));
      },
    }),
  ];
}
