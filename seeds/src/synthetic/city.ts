import type { Actor } from '@quanze/events';
import { addYears, dateOf } from './calendar.js';
import type { LedgerWriter } from './ledger-writer.js';
import type { Random } from './random.js';
import type { EnforcementArea } from './vocabulary.js';
import { personName } from './vocabulary.js';

/** What a post is for, in the simulation: which steps its holder records. */
export type PostRole =
  | 'head' // 局长、主任、镇长: decides cases, approves transfers, presides, signs documents
  | 'deputy' // 副职: proposes decisions, states a unit's view
  | 'member' // 副市长: members of the government's standing meeting
  | 'clerk' // 科员: records the unit's steps
  | 'legal' // 法制员: the unit's own legal review of cases, evaluation and clean-up of its documents
  | 'reviewer' // 法制办 / 司法局 审查员: legality review of decisions and documents, enforcement certificates
  | 'officer' // 执法人员: enforcement officers, certified (持证上岗)
  | 'judicial' // 公安、检察院、法院 staff: receive transfers
  | 'admin'; // 组织部 干部科: the organisation chart

export interface CertificateState {
  readonly certificateId: string;
  readonly scope: string;
  readonly issuingUnitId: string;
  readonly validFrom: number;
  readonly validUntil: number;
  revokedOn: number | null;
  /** The `person.certified.v1` that granted it, and the revocation, for the flags that name them. */
  readonly certifiedEventId: string;
  revokedEventId: string | null;
}

export interface PersonState {
  readonly personId: string;
  readonly name: string;
  readonly posts: PostState[];
  readonly certificates: CertificateState[];
  /** The day they are to retire (退休), planned at registration. */
  readonly retiresOn: number;
  retired: boolean;
  /** From this day on they are leaving their post (retirement, a planned rotation): no new work past it. */
  departureDay: number;
  /** The last day of any work planned for them (case steps, inspections): no rotation before it. */
  busyUntil: number;
  /** No new certificate before this day (after a revocation: re-examination, 重新考核). */
  certifiableFrom: number;
  /** External experts (专家库) are registered, never appointed. */
  readonly expert: boolean;
  /** Units held over a career, in order: for the report's curiosity and for tests. */
  readonly career: string[];
}

export interface PostState {
  readonly postId: string;
  unitId: string;
  readonly title: string;
  readonly role: PostRole;
  holder: PersonState | null;
}

export interface UnitState {
  readonly unitId: string;
  name: string;
  code: string | null;
  readonly kind: string;
  endedOn: number | null;
  readonly posts: PostState[];
  /** Never merged or dissolved in the simulation: the only units that handle subjects over time. */
  stable: boolean;
  enforcement: EnforcementArea | null;
  caseWeight: number;
  inspectionWeight: number;
  issuesDocuments: boolean;
  leadsDecisions: boolean;
  /** 处罚决定书 numbers per year. */
  readonly penaltyNumbers: Map<number, number>;
}

export interface Staffed {
  readonly person: PersonState;
  readonly post: PostState;
}

/** Why a certificate ends on retirement: the words services/organization records (RETIREMENT_REVOCATION_REASON). */
export const RETIREMENT_REVOCATION_REASON = 'retired (退休): the enforcement certificate is surrendered (收回)';

/** Years an enforcement certificate is issued for, and how long before its end it is renewed. */
export const CERTIFICATE_YEARS = 3;
export const CERTIFICATE_RENEWAL_DAYS = 180;

/**
 * The organisation chart of the synthetic city and every change to it, as events: units and their posts, officials
 * appointed, rotated (轮岗), retired, certified. Everything it records follows services/organization's rules (one
 * holder per post, claims before appointments, retirements ending every post and certificate in one command).
 */
export class City {
  readonly units = new Map<string, UnitState>();
  readonly persons = new Map<string, PersonState>();
  private personSequence = 0;
  private postSequence = new Map<string, number>();
  private certificateSequence = 0;
  /** The unit whose reviewers do legality reviews and grant certificates: 法制办, after the reform 司法局. */
  legalOfficeId = 'sz-fazhiban';
  /** The organisation office (组织部): its admins record the chart. */
  readonly adminUnitId = 'sz-shiwei-zuzhibu';

  constructor(
    private readonly random: Random,
    private readonly writer: LedgerWriter,
  ) {}

  unit(unitId: string): UnitState {
    const unit = this.units.get(unitId);
    if (unit === undefined) throw new TypeError(`the synthetic city has no unit ${unitId}`);
    return unit;
  }

  actorOf(staffed: Staffed): Actor {
    return { personId: staffed.person.personId, postId: staffed.post.postId, unitId: staffed.post.unitId };
  }

  /** The organisation office's actor: an admin (组织部 干部科) who keeps the chart, other than `except` if possible. */
  admin(except: string | null = null): Actor {
    let found: Actor | null = null;
    for (const post of this.unit(this.adminUnitId).posts) {
      if (post.role !== 'admin' || post.holder === null) continue;
      const actor = { personId: post.holder.personId, postId: post.postId, unitId: post.unitId };
      if (post.holder.personId !== except) return actor;
      found = actor;
    }
    if (found === null) throw new TypeError('no admin holds a post in the organisation office');
    return found;
  }

  /** Everyone holding a post of `role` in the unit now. */
  holders(unitId: string, role: PostRole): Staffed[] {
    const result: Staffed[] = [];
    for (const post of this.unit(unitId).posts) {
      if (post.role === role && post.holder !== null) result.push({ person: post.holder, post });
    }
    return result;
  }

  /** One holder of a post of `role` in the unit, at random; throws when the unit has none (a bug of the plan). */
  holder(unitId: string, role: PostRole, except: readonly string[] = []): Staffed {
    const candidates = this.holders(unitId, role).filter((staffed) => !except.includes(staffed.person.personId));
    if (candidates.length === 0) throw new TypeError(`unit ${unitId} has no ${role} (besides ${except.join(', ') || 'nobody'})`);
    return this.random.pick(candidates);
  }

  /** The unit's head (the first head post); falls back on a deputy while a head post is being filled. */
  head(unitId: string): Staffed {
    const heads = this.holders(unitId, 'head');
    const first = heads[0];
    if (first !== undefined) return first;
    return this.holder(unitId, 'deputy');
  }

  // ── Organisation events ────────────────────────────────────────────────────────────────────────────────────

  registerUnit(
    instant: number,
    unit: { unitId: string; name: string; code: string | null; kind: string; parentUnitId: string | null; establishedOn: number },
    actor: Actor,
  ): UnitState {
    this.writer.emit(
      `unit-${unit.unitId}`,
      'unit.registered.v1',
      {
        unitId: unit.unitId,
        name: unit.name,
        code: unit.code,
        kind: unit.kind,
        parentUnitId: unit.parentUnitId,
        establishedOn: dateOf(unit.establishedOn),
      },
      actor,
      instant,
    );
    return this.knowUnit({ unitId: unit.unitId, name: unit.name, code: unit.code, kind: unit.kind });
  }

  /** A unit already in the ledger (the action plan's seeds). */
  knowUnit(unit: { unitId: string; name: string; code: string | null; kind: string }): UnitState {
    const state: UnitState = {
      unitId: unit.unitId,
      name: unit.name,
      code: unit.code,
      kind: unit.kind,
      endedOn: null,
      posts: [],
      stable: true,
      enforcement: null,
      caseWeight: 0,
      inspectionWeight: 0,
      issuesDocuments: false,
      leadsDecisions: false,
      penaltyNumbers: new Map(),
    };
    this.units.set(unit.unitId, state);
    return state;
  }

  rename(instant: number, day: number, unitId: string, name: string, code: string | null, basis: string): void {
    const unit = this.unit(unitId);
    this.writer.emit(`unit-${unitId}`, 'unit.renamed.v1', { unitId, name, code, renamedOn: dateOf(day), basis }, this.admin(), instant);
    unit.name = name;
    unit.code = code;
  }

  establishPost(instant: number, unitId: string, title: string, role: PostRole, actor: Actor = this.admin()): PostState {
    const unit = this.unit(unitId);
    const sequence = (this.postSequence.get(unitId) ?? 0) + 1;
    this.postSequence.set(unitId, sequence);
    const postId = `${unitId}.p${String(sequence).padStart(3, '0')}`;
    this.writer.emit(`unit-${unitId}`, 'unit.postEstablished.v1', { unitId, postId, title }, actor, instant);
    const post: PostState = { postId, unitId, title, role, holder: null };
    unit.posts.push(post);
    return post;
  }

  /** A new official (or an external expert), with a retirement day 1–35 years after `day`. */
  registerPerson(instant: number, day: number, options: { expert?: boolean; actor?: Actor } = {}): PersonState {
    this.personSequence += 1;
    const personId = `${options.expert === true ? 'x' : 'p'}-${String(this.personSequence).padStart(6, '0')}`;
    const name = personName(this.random);
    this.writer.emit(`person-${personId}`, 'person.registered.v1', { personId, name }, options.actor ?? this.admin(), instant);
    const person: PersonState = {
      personId,
      name,
      posts: [],
      certificates: [],
      retiresOn: day + this.random.int(365, 35 * 365),
      retired: false,
      departureDay: Number.POSITIVE_INFINITY,
      busyUntil: day,
      certifiableFrom: day,
      expert: options.expert === true,
      career: [],
    };
    person.departureDay = person.retiresOn;
    this.persons.set(personId, person);
    return person;
  }

  /** 任职: the post's register is claimed first, then the appointment is recorded (services/organization). */
  appoint(instant: number, day: number, person: PersonState, post: PostState, basis: string, actor: Actor = this.admin()): void {
    if (post.holder !== null) throw new TypeError(`post ${post.postId} is held by ${post.holder.personId}`);
    if (person.retired) throw new TypeError(`${person.personId} is retired`);
    const occupied = this.writer.emit(
      `post-${post.postId}`,
      'post.occupied.v1',
      { postId: post.postId, unitId: post.unitId, personId: person.personId, occupiedOn: dateOf(day) },
      actor,
      instant,
    );
    this.writer.emit(
      `person-${person.personId}`,
      'person.appointed.v1',
      { personId: person.personId, postId: post.postId, unitId: post.unitId, appointedOn: dateOf(day), basis },
      actor,
      instant,
      { causationId: occupied, correlationId: occupied },
    );
    post.holder = person;
    person.posts.push(post);
    person.career.push(post.unitId);
  }

  /** 免职 / 轮岗: recorded on the person, then the post is vacated. */
  remove(instant: number, day: number, person: PersonState, post: PostState, reason: 'rotation' | 'other' | 'dismissal' | 'resignation', basis: string): void {
    if (post.holder !== person) throw new TypeError(`${person.personId} does not hold ${post.postId}`);
    const removal = this.writer.emit(
      `person-${person.personId}`,
      'person.removed.v1',
      { personId: person.personId, postId: post.postId, unitId: post.unitId, removedOn: dateOf(day), reason, basis },
      this.admin(),
      instant,
    );
    this.vacate(instant, day, person, post, reason, removal, this.admin());
  }

  private vacate(instant: number, day: number, person: PersonState, post: PostState, reason: string, causationId: string, actor: Actor): void {
    this.writer.emit(
      `post-${post.postId}`,
      'post.vacated.v1',
      { postId: post.postId, unitId: post.unitId, personId: person.personId, vacatedOn: dateOf(day), reason },
      actor,
      instant,
      { causationId, correlationId: causationId },
    );
    post.holder = null;
    const index = person.posts.indexOf(post);
    if (index >= 0) person.posts.splice(index, 1);
  }

  /**
   * 退休, as services/organization records it in one command: a removal per post held, a revocation (收回) per
   * certificate still valid, then `person.retired.v1`; afterwards every post is vacated. Returns the posts freed.
   */
  retire(instant: number, day: number, person: PersonState, basis: string): PostState[] {
    const posts = [...person.posts];
    const actor = this.admin(person.personId);
    const streamId = `person-${person.personId}`;
    let commandId: string | null = null;
    const removals: string[] = [];
    for (const post of posts) {
      const id = this.writer.emit(
        streamId,
        'person.removed.v1',
        { personId: person.personId, postId: post.postId, unitId: post.unitId, removedOn: dateOf(day), reason: 'retirement', basis },
        actor,
        instant,
        { commandId },
      );
      commandId ??= id;
      removals.push(id);
    }
    for (const certificate of person.certificates) {
      if (certificate.revokedOn !== null || certificate.validUntil < day) continue;
      const id = this.writer.emit(
        streamId,
        'person.certificationRevoked.v1',
        { personId: person.personId, certificateId: certificate.certificateId, revokedOn: dateOf(day), reason: RETIREMENT_REVOCATION_REASON },
        actor,
        instant,
        { commandId },
      );
      commandId ??= id;
      certificate.revokedOn = day;
      certificate.revokedEventId = id;
    }
    this.writer.emit(streamId, 'person.retired.v1', { personId: person.personId, retiredOn: dateOf(day), basis }, actor, instant, { commandId });
    person.retired = true;
    posts.forEach((post, index) => {
      this.vacate(instant, day, person, post, 'retirement', removals[index] ?? '', actor);
    });
    return posts;
  }

  /** 行政执法证, granted by a reviewer of the legal office (never to themselves), valid from `day`. */
  certify(instant: number, day: number, person: PersonState, scope: string, validUntil: number = addYears(day, CERTIFICATE_YEARS) - 1): CertificateState {
    this.certificateSequence += 1;
    const certificateId = `zfz-${String(this.certificateSequence).padStart(6, '0')}`;
    const issuer = this.holder(this.legalOfficeId, 'reviewer', [person.personId]);
    const certifiedEventId = this.writer.emit(
      `person-${person.personId}`,
      'person.certified.v1',
      {
        personId: person.personId,
        certificateId,
        number: `黑执证${String(230183_000_000 + this.certificateSequence)}`,
        scope,
        issuingUnitId: this.legalOfficeId,
        validFrom: dateOf(day),
        validUntil: dateOf(validUntil),
      },
      this.actorOf(issuer),
      instant,
    );
    const certificate: CertificateState = {
      certificateId,
      scope,
      issuingUnitId: this.legalOfficeId,
      validFrom: day,
      validUntil,
      revokedOn: null,
      certifiedEventId,
      revokedEventId: null,
    };
    person.certificates.push(certificate);
    return certificate;
  }

  /** 吊销 / 收回, by the organisation office (an administrator may revoke any unit's certificate). */
  revoke(instant: number, day: number, person: PersonState, certificate: CertificateState, reason: string, revokedOn: number = day): void {
    certificate.revokedEventId = this.writer.emit(
      `person-${person.personId}`,
      'person.certificationRevoked.v1',
      { personId: person.personId, certificateId: certificate.certificateId, revokedOn: dateOf(revokedOn), reason },
      this.admin(),
      instant,
    );
    certificate.revokedOn = revokedOn;
  }

  merge(instant: number, day: number, unitId: string, successorUnitId: string, basis: string): void {
    this.writer.emit(`unit-${unitId}`, 'unit.merged.v1', { unitId, successorUnitId, mergedOn: dateOf(day), basis }, this.admin(), instant);
    const unit = this.unit(unitId);
    unit.endedOn = day;
    unit.stable = false;
  }

  /** 机构撤销, its duties passing to the successor. */
  dissolve(instant: number, day: number, unitId: string, successorUnitId: string | null, basis: string): void {
    this.writer.emit(`unit-${unitId}`, 'unit.dissolved.v1', { unitId, successorUnitId, dissolvedOn: dateOf(day), basis }, this.admin(), instant);
    const unit = this.unit(unitId);
    unit.endedOn = day;
    unit.stable = false;
  }

  // ── Questions the processes ask ───────────────────────────────────────────────────────────────────────────

  /** A certificate valid on every day from `from` to `until` (持证上岗), the latest-ending one; or null. */
  certificateFor(person: PersonState, from: number, until: number): CertificateState | null {
    let best: CertificateState | null = null;
    for (const certificate of person.certificates) {
      if (certificate.validFrom > from || certificate.validUntil < until) continue;
      if (certificate.revokedOn !== null && certificate.revokedOn <= until) continue;
      if (best === null || certificate.validUntil > best.validUntil) best = certificate;
    }
    return best;
  }

  /**
   * Officers of the unit free to work from `from` to `until`: holding an officer post now, certified for the whole
   * span, and not leaving before it ends. Each comes with the certificate they will show.
   */
  availableOfficers(unitId: string, from: number, until: number): { person: PersonState; certificate: CertificateState }[] {
    const result: { person: PersonState; certificate: CertificateState }[] = [];
    for (const { person } of this.holders(unitId, 'officer')) {
      if (person.departureDay <= until) continue;
      const certificate = this.certificateFor(person, from, until);
      if (certificate !== null) result.push({ person, certificate });
    }
    return result;
  }

  /** Marks persons as working until `until`: the personnel office plans no rotation for them before. */
  reserve(persons: readonly PersonState[], until: number): void {
    for (const person of persons) if (person.busyUntil < until) person.busyUntil = until;
  }

  nextPenaltyNumber(unitId: string, year: number): string {
    const unit = this.unit(unitId);
    const serial = (unit.penaltyNumbers.get(year) ?? 0) + 1;
    unit.penaltyNumbers.set(year, serial);
    return `${unit.code ?? '尚执'}罚决〔${year}〕${serial}号`;
  }
}
