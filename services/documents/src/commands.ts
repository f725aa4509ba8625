import { z } from 'zod';
import {
  CalendarDate,
  CleanUpOutcome,
  DocumentIssuedV1,
  DocumentNumber,
  Id,
  Sha256,
  Text,
  createEventRegistry,
  documentNumberRegisterEvents,
  documentStreamEvents,
  newEventId,
} from '@quanze/events';
import type { DocumentNumberAssignedV1, RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { WrongExpectedVersion } from '@quanze/eventstore';
import { ConcurrencyConflict, commandIdOf, createCommandHandler, chinaDateOf } from '@quanze/service-kit';
import type { CommandMeta, CommandOutcome, LoadedStream } from '@quanze/service-kit';
import { yearOf } from './dates.js';
import type { DocumentEvent, DocumentFacts, DocumentState } from './decider.js';
import { checkRegistration, documentDecider } from './decider.js';
import { AuthorityCodeMissing, IssuingUnitUnknown } from './errors.js';
import type { IssuingUnit } from './issuing-unit.js';
import { foldIssuingUnit } from './issuing-unit.js';
import type { AssignNumber, NumberRegisterState } from './number-register.js';
import { assignmentOf, numberRegisterDecider, numberRegisterStreamId } from './number-register.js';

// Bodies of the command routes: strict, so an unknown field is a 400 naming it rather than silently dropped.

export const DraftDocumentBody = z
  .object({
    title: Text(300),
    /** 制定机关: defaults to the clerk's own unit; another unit (a department drafting for the government) decides on it. */
    issuingUnitId: Id.optional(),
    textSha256: Sha256,
    /** 优化营商环境条例 第62条: said explicitly, because it sets the 30-day comment period. */
    affectsBusiness: z.boolean(),
    summary: Text(5000).nullable().default(null),
  })
  .strict();

export const ReviseDraftBody = z
  .object({
    title: Text(300).optional(),
    textSha256: Sha256,
    reason: Text(5000),
  })
  .strict();

export const SolicitCommentBody = z
  .object({
    openedOn: CalendarDate,
    closesOn: CalendarDate,
    public: z.boolean(),
    consultedUnitIds: z.array(Id).max(200).default([]),
    notice: Text(500),
    shortPeriodReason: Text(2000).nullable().default(null),
  })
  .strict()
  .refine((body) => body.public || body.consultedUnitIds.length > 0, {
    path: ['consultedUnitIds'],
    message: 'opinions are sought from the public (public: true) or from named units',
  });

export const CloseCommentBody = z
  .object({
    closedOn: CalendarDate,
    opinionsReceived: z.number().int().min(0),
    adoptionSummary: Text(20_000),
  })
  .strict();

export const RecordLegalityReviewBody = z
  .object({
    submittedOn: CalendarDate,
    completedOn: CalendarDate,
    outcome: z.enum(['passed', 'failed']),
    opinion: Text(20_000),
  })
  .strict();

export const RecordCollectiveDiscussionBody = z
  .object({
    meeting: z.object({ kind: z.enum(['standing', 'plenary', 'office']), heldOn: CalendarDate }).strict(),
    /** The head who presided (主持): the head recording it, who may name themself or leave it out. */
    presidedBy: Id.optional(),
    outcome: z.enum(['approved', 'not-approved', 'deferred']),
    notes: Text(20_000).nullable().default(null),
  })
  .strict();

export const RegisterDocumentBody = z.object({}).strict();

/** Where the issued document was published: the event's shape, strict here so that an unknown field is named. */
const Publication = DocumentIssuedV1.shape.publications.element.strict();

export const IssueDocumentBody = z
  .object({
    /** Defaults to today in China. */
    issuedOn: CalendarDate.optional(),
    effectiveFrom: CalendarDate,
    validUntil: CalendarDate.nullable(),
    /** Needed when validity runs more than five years, or without end. */
    validityJustification: z.object({ reason: Text(5000), higherRule: Text(300).nullable().default(null) }).strict().optional(),
    publications: z.array(Publication).min(1, 'a document is issued by publishing it (统一发布)'),
  })
  .strict();

export const FileDocumentBody = z
  .object({
    filedOn: CalendarDate,
    filedWith: Text(300),
    filedWithUnitId: Id.nullable().default(null),
    reference: Text(300).nullable().default(null),
  })
  .strict();

export const EvaluateDocumentBody = z
  .object({
    evaluatedOn: CalendarDate,
    /** The evaluators; the person recording it must be one of them. Defaults to that person alone. */
    evaluatorIds: z.array(Id).min(1).max(50).optional(),
    findings: Text(20_000),
    recommendation: CleanUpOutcome,
  })
  .strict();

export const DecideCleanUpBody = z
  .object({
    decidedOn: CalendarDate,
    decision: CleanUpOutcome,
    reason: Text(20_000),
    cleanUpRound: Text(300).nullable().default(null),
  })
  .strict();

export const AbolishDocumentBody = z
  .object({
    abolishedOn: CalendarDate,
    reason: Text(20_000),
    replacedByDocumentId: Id.nullable().default(null),
  })
  .strict();

export const RecordExpiryBody = z.object({}).strict();

/** What the document decider acts on: a body with its kind and document, plus what the handler adds (the number). */
export type DocumentCommand = { documentId: string } & (
  | ({ kind: 'draft' } & z.output<typeof DraftDocumentBody>)
  | ({ kind: 'revise' } & z.output<typeof ReviseDraftBody>)
  | ({ kind: 'solicitComment' } & z.output<typeof SolicitCommentBody>)
  | ({ kind: 'closeComment' } & z.output<typeof CloseCommentBody>)
  | ({ kind: 'recordLegalityReview' } & z.output<typeof RecordLegalityReviewBody>)
  | ({ kind: 'recordCollectiveDiscussion' } & z.output<typeof RecordCollectiveDiscussionBody>)
  | { kind: 'register'; number: DocumentNumber; registeredOn: string }
  | ({ kind: 'issue' } & z.output<typeof IssueDocumentBody>)
  | ({ kind: 'file' } & z.output<typeof FileDocumentBody>)
  | ({ kind: 'evaluate' } & z.output<typeof EvaluateDocumentBody>)
  | ({ kind: 'decideCleanUp' } & z.output<typeof DecideCleanUpBody>)
  | ({ kind: 'abolish' } & z.output<typeof AbolishDocumentBody>)
  | { kind: 'recordExpiry' }
);

// ---------------------------------------------------------------------------------------------------------------
// Handlers: load the streams, gather the facts of other domains, decide, append.
// ---------------------------------------------------------------------------------------------------------------

const documentRegistry = createEventRegistry({ events: documentStreamEvents });
const registerRegistry = createEventRegistry({ events: documentNumberRegisterEvents });

/** How often a registration re-reads the register after losing the race for its next serial. */
const MAX_NUMBERING_ATTEMPTS = 64;

export function documentStreamId(documentId: string): string {
  return `document-${documentId}`;
}

export function unitStreamId(unitId: string): string {
  return `unit-${unitId}`;
}

export interface NumberRegisterEntry {
  readonly serial: number;
  readonly formatted: string;
  readonly documentId: string;
  readonly issuingUnitId: string;
  readonly assignedOn: string;
}

export interface DocumentsHandlers {
  /** Every command but registration, which takes a number first. */
  execute(command: Exclude<DocumentCommand, { kind: 'register' }>, meta: CommandMeta): Promise<CommandOutcome>;
  /** 统一登记 and 统一编号: take (or find again) the register's number, then record it on the document. */
  register(documentId: string, meta: CommandMeta): Promise<CommandOutcome>;
  load(documentId: string): Promise<LoadedStream<DocumentState, DocumentEvent>>;
  /** Every document's folded state, by reading the whole log (until read models exist). */
  scanDocuments(): Promise<DocumentFacts[]>;
  numberRegister(authorityCode: string, year: number): Promise<NumberRegisterEntry[]>;
  /** Today in China, by the service's clock. */
  today(): string;
}

interface LoadedRegister {
  readonly state: NumberRegisterState;
  readonly version: number;
  readonly events: readonly RecordedEvent[];
}

interface HeldNumber {
  readonly assignment: DocumentNumberAssignedV1;
  /** The register event that assigned it: the registration on the document names it as its cause. */
  readonly eventId: string;
}

export function createDocumentsHandlers(deps: { store: EventStore; clock?: () => Date }): DocumentsHandlers {
  const { store } = deps;
  const clock = deps.clock ?? (() => new Date());
  const documents = createCommandHandler({ store, registry: documentRegistry, decider: documentDecider, clock });

  async function loadRegister(streamId: string): Promise<LoadedRegister> {
    let state = numberRegisterDecider.initialState;
    const events: RecordedEvent[] = [];
    for await (const recorded of store.readStream(streamId)) {
      const event = registerRegistry.parse(recorded);
      state = numberRegisterDecider.evolve(state, event);
      events.push(event);
    }
    return { state, version: events.length, events };
  }

  function heldIn(register: LoadedRegister, documentId: string): HeldNumber | null {
    const assignment = assignmentOf(register.state, documentId);
    if (assignment === undefined) return null;
    const event = register.events[assignment.number.serial - 1];
    if (event === undefined) throw new TypeError(`register ${numberRegisterStreamId(assignment.number.authorityCode, assignment.number.year)} lacks serial ${assignment.number.serial}`);
    return { assignment, eventId: event.eventId };
  }

  async function readIssuingUnit(unitId: string): Promise<IssuingUnit | null> {
    const events: RecordedEvent[] = [];
    for await (const recorded of store.readStream(unitStreamId(unitId))) events.push(recorded);
    return foldIssuingUnit(events);
  }

  /**
   * A number this document already holds, from a registration that crashed between its two appends: in any
   * register of a code the unit has held, for any year since the meeting approved it (no number is older).
   */
  async function findHeldNumber(documentId: string, codes: readonly string[], fromYear: number, toYear: number): Promise<HeldNumber | null> {
    for (const code of codes) {
      for (let year = fromYear; year <= toYear; year++) {
        const held = heldIn(await loadRegister(numberRegisterStreamId(code, year)), documentId);
        if (held !== null) return held;
      }
    }
    return null;
  }

  /** The next serial, with the register's version as the expected one; when beaten, read again and decide again. */
  async function takeNumber(command: AssignNumber, now: string, meta: CommandMeta, commandId: string): Promise<HeldNumber> {
    const streamId = numberRegisterStreamId(command.authorityCode, command.year);
    for (let attempt = 1; attempt <= MAX_NUMBERING_ATTEMPTS; attempt++) {
      const register = await loadRegister(streamId);
      const held = heldIn(register, command.documentId);
      if (held !== null) return held;
      const proposed = numberRegisterDecider.decide(command, register.state, { now, actor: meta.actor }).map((event) =>
        registerRegistry.validateProposed({
          eventId: newEventId(),
          type: event.type,
          occurredAt: now,
          actor: meta.actor,
          causationId: meta.causationId ?? null,
          correlationId: meta.correlationId ?? null,
          commandId,
          data: event.data,
        }),
      );
      try {
        const appended = await store.appendToStream(streamId, proposed, {
          expectedVersion: register.version === 0 ? 'no_stream' : register.version,
        });
        const recorded = appended.events[0];
        const assignment = proposed[0]?.data;
        if (recorded === undefined || assignment === undefined) throw new TypeError(`no number was appended to ${streamId}`);
        return { assignment, eventId: recorded.eventId };
      } catch (error) {
        if (!(error instanceof WrongExpectedVersion)) throw error;
        // Another registration took this serial: wait a little (jittered, so the losers do not collide again) and retry.
        await pause(Math.random() * Math.min(attempt, 10));
      }
    }
    throw new ConcurrencyConflict(streamId);
  }

  function alreadyRegistered(loaded: LoadedStream<DocumentState, DocumentEvent>): CommandOutcome {
    const streamId = loaded.events[0]?.streamId ?? '';
    const registered = loaded.events.filter((event) => event.type === 'document.registered.v1');
    return { streamId, streamVersion: loaded.version, events: registered, replayed: true };
  }

  async function register(documentId: string, meta: CommandMeta): Promise<CommandOutcome> {
    const streamId = documentStreamId(documentId);
    const loaded = await documents.load(streamId);
    const check = checkRegistration(loaded.state, documentId, meta.actor);
    if (check.kind === 'registered') return alreadyRegistered(loaded);
    const document = check.document;

    // One moment for the whole registration: its day is the registration's day, and its year the number's.
    const now = clock().toISOString();
    const today = chinaDateOf(now);
    const unit = await readIssuingUnit(document.issuingUnitId);
    if (unit === null) throw new IssuingUnitUnknown(document.issuingUnitId);
    const approvedIn = yearOf(document.discussion?.heldOn ?? today);
    let held = await findHeldNumber(documentId, unit.codesHeld, approvedIn, yearOf(today));
    if (held === null) {
      const code = unit.code;
      if (code === null || !DocumentNumber.shape.authorityCode.safeParse(code).success) throw new AuthorityCodeMissing(unit.unitId);
      const commandId = meta.idempotency === undefined ? newEventId() : commandIdOf(meta.idempotency);
      held = await takeNumber(
        { kind: 'assign', documentId, issuingUnitId: document.issuingUnitId, authorityCode: code, year: yearOf(today) },
        now,
        meta,
        commandId,
      );
    }

    const outcome = await documents.handle(
      streamId,
      { kind: 'register', documentId, number: held.assignment.number, registeredOn: held.assignment.assignedOn },
      { ...meta, causationId: held.eventId },
    );
    // Nothing appended: a concurrent registration of this document recorded the same number first.
    return outcome.events.length === 0 ? alreadyRegistered(await documents.load(streamId)) : outcome;
  }

  async function scanDocuments(): Promise<DocumentFacts[]> {
    const states = new Map<string, DocumentState>();
    for await (const recorded of store.readAll()) {
      if (!recorded.streamId.startsWith('document-') || !documentRegistry.has(recorded.type)) continue;
      const event = documentRegistry.parse(recorded) as unknown as DocumentEvent;
      states.set(recorded.streamId, documentDecider.evolve(states.get(recorded.streamId) ?? documentDecider.initialState, event));
    }
    return [...states.values()].filter((state): state is DocumentFacts => state !== null);
  }

  async function numberRegister(authorityCode: string, year: number): Promise<NumberRegisterEntry[]> {
    const register = await loadRegister(numberRegisterStreamId(authorityCode, year));
    return register.state.assignments.map((assignment) => ({
      serial: assignment.number.serial,
      formatted: assignment.number.formatted,
      documentId: assignment.documentId,
      issuingUnitId: assignment.issuingUnitId,
      assignedOn: assignment.assignedOn,
    }));
  }

  return {
    execute: (command, meta) => documents.handle(documentStreamId(command.documentId), command, meta),
    register,
    load: (documentId) => documents.load(documentStreamId(documentId)),
    scanDocuments,
    numberRegister,
    today: () => chinaDateOf(clock().toISOString()),
  };
}

function pause(milliseconds: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, milliseconds));
}
