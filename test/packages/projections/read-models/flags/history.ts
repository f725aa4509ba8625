import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ledgerRegistry } from '@quanze/events';
import type { Actor } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import { createProjectionRunner, flagsProjection, listFlags } from '@quanze/projections';
import type { Flag, FlagCode, ReadModelSql, ReadModelStore } from '@quanze/projections';
import { statementwise } from '../../../../support/read-models.js';
import type { ReadModelTarget } from '../../../../support/read-models.js';

/**
 * Handcrafted histories for the flags: events appended straight to a real SQLite store, each validated first
 * against the catalogue (`ledgerRegistry.validateProposed`), as an imported history would be, and projected into
 * the read-model database the suite runs on (SQLite or PostgreSQL). The shapes are the catalogue's, which the
 * services write.
 */
export const CLERK: Actor = { personId: 'person-clerk', postId: 'post-clerk', unitId: 'unit-clerk' };

export const hash = (character: string) => character.repeat(64);

/** A China calendar day and time as a UTC instant: `chinaTime('2025-03-01', '10:00')`. */
export function chinaTime(day: string, time = '09:00', seconds = '00.000'): string {
  return new Date(Date.parse(`${day}T${time}:${seconds}+08:00`)).toISOString();
}

export interface FlagHistory {
  readonly store: EventStore;
  readonly readModels: ReadModelStore;
  /** For a test's own queries, each statement on its own (`statementwise`). */
  readonly db: ReadModelSql;
  /** Appends one validated event; the event's id. */
  append(streamId: string, type: string, data: unknown, options?: { occurredAt?: string; actor?: Actor }): Promise<string>;
  /** Catches the flags read model up and lists every flag standing as of `asOf`. */
  flags(asOf: string, filter?: { code?: FlagCode; unitId?: string }): Promise<Flag[]>;
  close(): Promise<void>;
}

export async function openFlagHistory(target: ReadModelTarget): Promise<FlagHistory> {
  const folder = await mkdtemp(join(tmpdir(), 'quanze-flags-'));
  const store = await openEventStore(`sqlite:${folder}`);
  let readModels: ReadModelStore;
  try {
    readModels = await target.open();
  } catch (error) {
    await store.close();
    await rm(folder, { recursive: true, force: true });
    throw error;
  }
  const runner = createProjectionRunner({ store, readModels, projections: [flagsProjection] });
  return {
    store,
    readModels,
    db: statementwise(readModels),
    async append(streamId, type, data, options = {}) {
      const event = ledgerRegistry.validateProposed({
        eventId: randomUUID(),
        type,
        occurredAt: options.occurredAt ?? '2025-01-01T00:00:00.000Z',
        actor: options.actor ?? CLERK,
        causationId: null,
        correlationId: null,
        commandId: null,
        data,
      });
      await store.appendToStream(streamId, [event], { expectedVersion: 'any' });
      return event.eventId;
    },
    async flags(asOf, filter = {}) {
      await runner.catchUp();
      const page = await readModels.read((q) => listFlags(q, { asOf, limit: 500, ...filter }));
      return [...page.flags];
    },
    async close() {
      await runner.stop();
      await readModels.close();
      await store.close();
      await rm(folder, { recursive: true, force: true });
    },
  };
}

// ── Event data, as the catalogue wants it ────────────────────────────────────────────────────────────────────

export const decisionProposed = (decisionId: string, units: { lead: string; organ: string }) => ({
  decisionId,
  title: '关于调整城区公交线路的决定',
  draftSummary: '调整城区公交线路',
  decisionItem: { listed: true, entryId: 'item-1' },
  decisionOrganUnitId: units.organ,
  leadUnitId: units.lead,
  cooperatingUnitIds: [],
  proposedBy: 'person-proposer',
  conditionalSteps: {
    publicParticipation: { applies: true, reason: '涉及公众切身利益' },
    expertArgumentation: { applies: true, reason: '专业性较强' },
    riskAssessment: { applies: true, reason: '可能影响社会稳定' },
  },
});

export const legalityReview = (decisionId: string, startedOn: string, completedOn: string, conclusion = 'lawful') => ({
  decisionId,
  reviewerPersonIds: ['person-reviewer'],
  startedOn,
  completedOn,
  conclusion,
  opinion: '经审查',
  opinionSha256: null,
});

export const convened = (
  decisionId: string,
  meetingId: string,
  heldOn: string,
  legality: { review: { conclusion: string; completedOn: string } | null; exploratory: boolean },
) => ({
  decisionId,
  meetingId,
  kind: 'standing',
  heldOn,
  headPersonId: 'person-head',
  attendance: ['person-head', 'person-m1', 'person-m2', 'person-m3'].map((personId) => ({ personId, present: true, absenceReason: null })),
  materials: { draft: true, opinionHandling: true, riskReport: true, legalityOpinion: true, fairCompetitionReview: true },
  marketsAffected: false,
  legality: {
    review: legality.review === null ? null : { ...legality.review, reviewerPersonIds: ['person-reviewer'] },
    exploratoryReform: legality.exploratory ? { legalRiskStatement: '明示法律风险', statedBy: 'person-head' } : null,
  },
});

export const made = (
  decisionId: string,
  meetingId: string,
  heldOn: string,
  outcome: string,
  head: { majorityOpinion: string; differsFromMajority: boolean; headReasons: string | null },
) => ({
  decisionId,
  title: '关于调整城区公交线路的决定',
  summary: '调整城区公交线路',
  decisionItem: { listed: true, entryId: 'item-1' },
  leadUnitId: 'unit-lead-from-made',
  cooperatingUnitIds: [],
  meeting: { meetingId, kind: 'standing', heldOn },
  outcome,
  headPersonId: 'person-head',
  ...head,
  legalBasis: [],
});

export const documentNumber = (authorityCode: string, year: number, serial: number) => ({
  authorityCode,
  year,
  serial,
  formatted: `${authorityCode}规〔${String(year)}〕${String(serial)}号`,
});

export const documentIssued = (
  documentId: string,
  number: ReturnType<typeof documentNumber>,
  dates: { issuedOn: string; effectiveFrom: string; validUntil: string | null },
  issuingUnitId = 'unit-gov',
) => ({
  documentId,
  number,
  title: '尚志市某某管理办法',
  issuingUnitId,
  signedBy: 'person-mayor',
  ...dates,
  textSha256: hash('c'),
  publications: [{ channel: 'website', reference: 'http://www.shangzhi.gov.cn/gfxwj' }],
});

export const caseOpened = (caseId: string, openedOn: string, options: { unitId?: string; kind?: string; cited?: readonly string[] } = {}) => ({
  caseId,
  unitId: options.unitId ?? 'unit-scjgj',
  title: '某某公司销售不合格产品案',
  enforcementKind: options.kind ?? 'penalty',
  major: false,
  party: { kind: 'legal-person', name: '某某公司' },
  legalBasis: [
    { kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' },
    ...(options.cited ?? []).map((documentNumber) => ({ kind: 'document', documentNumber })),
  ],
  openedOn,
  records: [],
});

export const officers = (caseId: string, assignedOn: string, people: readonly [string, string][] = [['person-a', 'cert-a'], ['person-b', 'cert-b']]) => ({
  caseId,
  officers: people.map(([personId, certificateId]) => ({ personId, certificateId, certificateValidUntil: null, issuingUnitId: null, scope: null })),
  assignedOn,
});

export const certified = (personId: string, certificateId: string, validFrom: string, validUntil: string) => ({
  personId,
  certificateId,
  scope: '市场监管',
  issuingUnitId: 'unit-fzb',
  validFrom,
  validUntil,
});

export const caseDecided = (caseId: string, decidedOn: string, options: { outcome?: string; cited?: readonly string[] } = {}) => ({
  caseId,
  decidedBy: 'person-head',
  outcome: options.outcome ?? 'penalty',
  penalties: (options.outcome ?? 'penalty') === 'penalty' ? [{ kind: 'fine', amountFen: 2_000_000 }] : [],
  legalBasis: [
    { kind: 'law', title: '中华人民共和国产品质量法', article: '第49条' },
    ...(options.cited ?? []).map((documentNumber) => ({ kind: 'document', documentNumber })),
  ],
  decisionNumber: '尚市监处字〔2025〕17号',
  decisionTextSha256: hash('d'),
  collectiveDiscussion: null,
  decidedOn,
  records: [],
});

export const casePublished = (caseId: string, publishedOn: string) => ({
  caseId,
  publishedOn,
  deadlineWorkingDays: 7,
  channel: 'website',
  reference: 'http://www.shangzhi.gov.cn/xzcf/17',
  summary: '某某公司销售不合格产品，罚款二万元',
});

export const caseClosed = (caseId: string, closedOn: string, facts: { suspectedCrime: boolean; penaltyImposed: boolean; transferOutcome: string }) => ({
  caseId,
  disposition: facts.penaltyImposed ? 'executed' : 'terminated',
  reasons: null,
  closedOn,
  ...facts,
  records: [],
});

export const POLICE = { unitId: 'unit-gaj', kind: 'public-security' } as const;

export const transferReported = (caseId: string, transferId: string, reportedAt: string) => ({
  caseId,
  transferId,
  receivingAuthority: POLICE,
  suspectedOffence: '销售伪劣产品罪',
  reportingOfficerIds: ['person-a', 'person-b'],
  reportedAt,
  records: [],
});

export const transferred = (caseId: string, transferId: string, approvedAt: string) => ({
  caseId,
  transferId,
  fromUnitId: 'unit-scjgj',
  receivingAuthority: POLICE,
  suspectedOffence: '销售伪劣产品罪',
  approvedBy: 'person-head',
  approvedAt,
  reportingOfficerIds: ['person-a', 'person-b'],
  materials: [
    { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
    { kind: 'investigation-report', title: '调查报告', sha256: hash('2') },
    { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
  ],
});

export const resultsRecorded = (inspectionId: string, targetId: string, days: { inspectedOn: string; concludedOn: string }, inspectorIds = ['person-a', 'person-b']) => ({
  inspectionId,
  targetId,
  inspectorIds,
  ...days,
  outcome: 'no-problem-found',
  findings: '未发现问题',
  evidence: [],
  caseId: null,
});

/** What a test compares: the flag without its ids and payload. */
export function summary(flag: Flag): { code: string; status: string; raisedOn: string; endedOn: string | null } {
  return { code: flag.code, status: flag.status, raisedOn: flag.raisedOn, endedOn: flag.endedOn };
}
