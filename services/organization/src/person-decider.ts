import type { PostRemovalReason, personEvents } from '@quanze/events';
import type { Decider, DecisionContext, DomainEventOf } from '@quanze/service-kit';
import { SubjectNotFound, chinaDateOf } from '@quanze/service-kit';
import {
  BackdatedByReviewer,
  CertificateAlreadyIssued,
  CertificateAlreadyRevoked,
  CertificateValidityInverted,
  DateOutOfOrder,
  NotOfIssuingUnit,
  OwnCertificate,
  PersonAlreadyRegistered,
  PersonRetired,
  PostAlreadyHeld,
  PostHeldByAnother,
  PostNotHeld,
  PostNotInUnit,
  UnitNotInExistence,
  UnitNotRegistered,
} from './errors.js';
import type { FieldPath } from './errors.js';
import type { UnitState } from './unit-decider.js';
import { absenceOn, describeEnding } from './unit-decider.js';

export type PersonEvent = DomainEventOf<(typeof personEvents)[number]>;

/** One holding of one post (任职), open while `removal` is null. */
export interface Tenure {
  readonly postId: string;
  readonly unitId: string;
  readonly appointedOn: string;
  readonly basis: string;
  readonly removal: { readonly on: string; readonly reason: PostRemovalReason; readonly basis: string } | null;
}

/** 行政执法证: valid from `validFrom` to `validUntil` (both included) unless revoked on or before the day. */
export interface Certificate {
  readonly certificateId: string;
  readonly number: string | null;
  readonly scope: string;
  readonly issuingUnitId: string;
  readonly validFrom: string;
  readonly validUntil: string;
  readonly revocation: { readonly on: string; readonly reason: string } | null;
}

export interface Person {
  readonly personId: string;
  readonly name: string;
  /** Every tenure, in the order of appointment; the open ones are the posts held now. */
  readonly tenures: readonly Tenure[];
  readonly certificates: readonly Certificate[];
  readonly retirement: { readonly on: string; readonly basis: string | null } | null;
}

/** null until `person.registered.v1`. */
export type PersonState = Person | null;

/** Who holds a post now, and since when it is free: read by the handler from every person's appointments. */
export interface PostOccupancy {
  readonly holderPersonIds: readonly string[];
  /** The day the last holder left, null when nobody ever left it. */
  readonly lastVacatedOn: string | null;
}

/** How a certificate ends on retirement: surrendered, so that no one acts on it after (持证上岗). */
export const RETIREMENT_REVOCATION_REASON = 'retired (退休): the enforcement certificate is surrendered (收回)';

/**
 * The capacity a certificate is recorded or revoked in: a legal reviewer (法制审核) acts for their own unit, from
 * today on; an administrator may record any unit's, on any date (a history migrated from paper registers).
 */
export type CertifyingCapacity = 'admin' | 'legal-reviewer';

export type PersonCommand =
  | { readonly type: 'RegisterPerson'; readonly personId: string; readonly name: string }
  | {
      readonly type: 'AppointPerson';
      readonly personId: string;
      readonly postId: string;
      readonly unitId: string;
      readonly appointedOn: string;
      readonly basis: string;
      readonly facts: { readonly unit: UnitState; readonly post: PostOccupancy };
    }
  | {
      readonly type: 'RemovePerson';
      readonly personId: string;
      readonly postId: string;
      readonly removedOn: string;
      readonly reason: PostRemovalReason;
      readonly basis: string;
    }
  | { readonly type: 'RetirePerson'; readonly personId: string; readonly retiredOn: string; readonly basis: string }
  | {
      readonly type: 'CertifyPerson';
      readonly personId: string;
      readonly certificateId: string;
      readonly number: string | null;
      readonly scope: string;
      readonly issuingUnitId: string;
      readonly validFrom: string;
      readonly validUntil: string;
      readonly recordedAs: CertifyingCapacity;
      readonly facts: { readonly issuingUnit: UnitState };
    }
  | {
      readonly type: 'RevokeCertification';
      readonly personId: string;
      readonly certificateId: string;
      readonly revokedOn: string;
      readonly reason: string;
      readonly recordedAs: CertifyingCapacity;
    };

export function heldTenures(person: Person): Tenure[] {
  return person.tenures.filter((tenure) => tenure.removal === null);
}

/** Whether the certificate lets its holder act on `date`: 行政处罚法 第42条. */
export function isCertificateValidOn(certificate: Certificate, date: string): boolean {
  return (
    certificate.validFrom <= date &&
    date <= certificate.validUntil &&
    (certificate.revocation === null || certificate.revocation.on > date)
  );
}

/**
 * Who may record or revoke a certificate of `personId` issued by `issuingUnitId`: never its holder; a legal
 * reviewer only in their own unit's name, and only with effect from today (China) on.
 */
function requireCertifier(
  personId: string,
  issuingUnitId: string,
  recordedAs: CertifyingCapacity,
  dated: { readonly field: 'validFrom' | 'revokedOn'; readonly date: string },
  context: DecisionContext,
  unitFields: readonly FieldPath[],
): void {
  const { actor } = context;
  if (actor.personId === personId) throw new OwnCertificate(personId);
  if (recordedAs === 'admin') return;
  if (actor.unitId !== issuingUnitId) throw new NotOfIssuingUnit(issuingUnitId, actor.unitId, unitFields);
  const today = chinaDateOf(context.now);
  if (dated.date < today) throw new BackdatedByReviewer(dated.field, dated.date, today);
}

function requireRegistered(state: PersonState, personId: string): Person {
  if (state === null) throw new SubjectNotFound(`person ${personId}`);
  return state;
}

function requireInService(person: Person): Person {
  if (person.retirement !== null) throw new PersonRetired(person.personId, person.retirement.on);
  return person;
}

/** The latest day of any appointment or removal: a retirement is not dated before it. */
function lastTenureDate(person: Person): string | null {
  let last: string | null = null;
  for (const tenure of person.tenures) {
    const date = tenure.removal?.on ?? tenure.appointedOn;
    if (last === null || date > last) last = date;
  }
  return last;
}

function replaceTenure(person: Person, postId: string, change: (tenure: Tenure) => Tenure): Person {
  // Only the open tenure of the post changes: earlier holdings of the same post stay as they were.
  return {
    ...person,
    tenures: person.tenures.map((tenure) => (tenure.postId === postId && tenure.removal === null ? change(tenure) : tenure)),
  };
}

/** Officials (公职人员): registration, appointments and removals (任免, 轮岗), retirement, 执法证. Stream `person-<personId>`. */
export const personDecider: Decider<PersonCommand, PersonState, PersonEvent> = {
  initialState: null,

  decide(command, state, context) {
    switch (command.type) {
      case 'RegisterPerson':
        if (state !== null) throw new PersonAlreadyRegistered(command.personId);
        return [{ type: 'person.registered.v1', data: { personId: command.personId, name: command.name } }];

      case 'AppointPerson': {
        const person = requireInService(requireRegistered(state, command.personId));
        const { unit, post } = command.facts;
        if (unit === null) throw new UnitNotRegistered(command.unitId, ['unitId']);
        // A merged or dissolved unit takes no appointments: appoint to a post of its successor.
        if (unit.ended !== null) throw new UnitNotInExistence(command.unitId, describeEnding(unit.ended), ['unitId']);
        if (!unit.posts.has(command.postId)) throw new PostNotInUnit(command.postId, command.unitId);
        if (heldTenures(person).some((tenure) => tenure.postId === command.postId)) {
          throw new PostAlreadyHeld(person.personId, command.postId);
        }
        const others = post.holderPersonIds.filter((holder) => holder !== person.personId);
        if (others.length > 0) throw new PostHeldByAnother(command.postId, others);
        if (command.appointedOn < unit.establishedOn) {
          throw new DateOutOfOrder('appointedOn', command.appointedOn, unit.establishedOn, `unit ${unit.unitId} was established then`);
        }
        if (post.lastVacatedOn !== null && command.appointedOn < post.lastVacatedOn) {
          throw new DateOutOfOrder('appointedOn', command.appointedOn, post.lastVacatedOn, 'the post’s last holder left then');
        }
        return [
          {
            type: 'person.appointed.v1',
            data: {
              personId: person.personId,
              postId: command.postId,
              unitId: command.unitId,
              appointedOn: command.appointedOn,
              basis: command.basis,
            },
          },
        ];
      }

      case 'RemovePerson': {
        const person = requireRegistered(state, command.personId);
        const tenure = heldTenures(person).find((held) => held.postId === command.postId);
        if (tenure === undefined) throw new PostNotHeld(person.personId, command.postId);
        if (command.removedOn < tenure.appointedOn) {
          throw new DateOutOfOrder('removedOn', command.removedOn, tenure.appointedOn, 'the person was appointed then');
        }
        return [
          {
            type: 'person.removed.v1',
            data: {
              personId: person.personId,
              postId: tenure.postId,
              unitId: tenure.unitId,
              removedOn: command.removedOn,
              reason: command.reason,
              basis: command.basis,
            },
          },
        ];
      }

      case 'RetirePerson': {
        // Retirement ends posts and certificates explicitly, one event each, in the same command: the log says
        // what ended and why, and no reader has to infer it from `person.retired.v1`.
        const person = requireInService(requireRegistered(state, command.personId));
        const last = lastTenureDate(person);
        if (last !== null && command.retiredOn < last) {
          throw new DateOutOfOrder('retiredOn', command.retiredOn, last, 'the person’s last appointment or removal');
        }
        const removals: PersonEvent[] = heldTenures(person).map((tenure) => ({
          type: 'person.removed.v1',
          data: {
            personId: person.personId,
            postId: tenure.postId,
            unitId: tenure.unitId,
            removedOn: command.retiredOn,
            reason: 'retirement',
            basis: command.basis,
          },
        }));
        const revocations: PersonEvent[] = person.certificates
          .filter((certificate) => certificate.revocation === null && certificate.validUntil >= command.retiredOn)
          .map((certificate) => ({
            type: 'person.certificationRevoked.v1',
            data: {
              personId: person.personId,
              certificateId: certificate.certificateId,
              revokedOn: command.retiredOn,
              reason: RETIREMENT_REVOCATION_REASON,
            },
          }));
        return [
          ...removals,
          ...revocations,
          { type: 'person.retired.v1', data: { personId: person.personId, retiredOn: command.retiredOn, basis: command.basis } },
        ];
      }

      case 'CertifyPerson': {
        const registered = requireRegistered(state, command.personId);
        requireCertifier(
          registered.personId,
          command.issuingUnitId,
          command.recordedAs,
          { field: 'validFrom', date: command.validFrom },
          context,
          [['issuingUnitId']],
        );
        const person = requireInService(registered);
        if (command.validUntil <= command.validFrom) throw new CertificateValidityInverted(command.validFrom, command.validUntil);
        if (person.certificates.some((certificate) => certificate.certificateId === command.certificateId)) {
          throw new CertificateAlreadyIssued(command.certificateId);
        }
        const issuer = command.facts.issuingUnit;
        if (issuer === null) throw new UnitNotRegistered(command.issuingUnitId, ['issuingUnitId']);
        const absence = absenceOn(issuer, command.validFrom);
        if (absence !== null) throw new UnitNotInExistence(command.issuingUnitId, absence, ['issuingUnitId']);
        return [
          {
            type: 'person.certified.v1',
            data: {
              personId: person.personId,
              certificateId: command.certificateId,
              ...(command.number === null ? {} : { number: command.number }),
              scope: command.scope,
              issuingUnitId: command.issuingUnitId,
              validFrom: command.validFrom,
              validUntil: command.validUntil,
            },
          },
        ];
      }

      case 'RevokeCertification': {
        const person = requireRegistered(state, command.personId);
        const certificate = person.certificates.find((held) => held.certificateId === command.certificateId);
        if (certificate === undefined) throw new SubjectNotFound(`certificate ${command.certificateId} of person ${person.personId}`);
        requireCertifier(
          person.personId,
          certificate.issuingUnitId,
          command.recordedAs,
          { field: 'revokedOn', date: command.revokedOn },
          context,
          [],
        );
        if (certificate.revocation !== null) throw new CertificateAlreadyRevoked(certificate.certificateId, certificate.revocation.on);
        return [
          {
            type: 'person.certificationRevoked.v1',
            data: {
              personId: person.personId,
              certificateId: certificate.certificateId,
              revokedOn: command.revokedOn,
              reason: command.reason,
            },
          },
        ];
      }
    }
  },

  evolve(state, event) {
    if (event.type === 'person.registered.v1') {
      return { personId: event.data.personId, name: event.data.name, tenures: [], certificates: [], retirement: null };
    }
    if (state === null) return state;
    switch (event.type) {
      case 'person.appointed.v1':
        return {
          ...state,
          tenures: [
            ...state.tenures,
            {
              postId: event.data.postId,
              unitId: event.data.unitId,
              appointedOn: event.data.appointedOn,
              basis: event.data.basis,
              removal: null,
            },
          ],
        };
      case 'person.removed.v1': {
        const removal = { on: event.data.removedOn, reason: event.data.reason, basis: event.data.basis };
        return replaceTenure(state, event.data.postId, (tenure) => ({ ...tenure, removal }));
      }
      case 'person.retired.v1':
        return { ...state, retirement: { on: event.data.retiredOn, basis: event.data.basis ?? null } };
      case 'person.certified.v1':
        return {
          ...state,
          certificates: [
            ...state.certificates,
            {
              certificateId: event.data.certificateId,
              number: event.data.number ?? null,
              scope: event.data.scope,
              issuingUnitId: event.data.issuingUnitId,
              validFrom: event.data.validFrom,
              validUntil: event.data.validUntil,
              revocation: null,
            },
          ],
        };
      case 'person.certificationRevoked.v1': {
        const revocation = { on: event.data.revokedOn, reason: event.data.reason };
        return {
          ...state,
          certificates: state.certificates.map((certificate) =>
            certificate.certificateId === event.data.certificateId && certificate.revocation === null
              ? { ...certificate, revocation }
              : certificate,
          ),
        };
      }
    }
  },
};
