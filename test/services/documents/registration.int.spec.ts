import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { expect } from 'chai';
import type { Actor, RecordedEvent } from '@quanze/events';
import { openEventStore } from '@quanze/eventstore';
import type { EventStore } from '@quanze/eventstore';
import type { CommandMeta } from '@quanze/service-kit';
import {
  AuthorityCodeMissing,
  CollectiveApprovalRequired,
  IssuingUnitUnknown,
  createDocumentsHandlers,
  documentStreamId,
  numberRegisterStreamId,
} from '@quanze/documents';
import type { DocumentsHandlers } from '@quanze/documents';
import { appendNumberAlone, newAuthorityCode, newId, registerUnit, renameUnit } from './support.js';

/** 2026-03-02 in China. */
const clock = () => new Date('2026-03-02T09:00:00.000Z');
const draftingUnitId = 'unit-fzb';
const clerk: Actor = { personId: 'person-clerk', postId: 'post-clerk', unitId: draftingUnitId };
const reviewer: Actor = { personId: 'person-reviewer', postId: 'post-reviewer', unitId: 'unit-legal' };
/** A head of the issuing unit (制定机关), whichever unit a test makes it. */
const headOf = (issuingUnitId: string): Actor => ({ personId: 'person-head', postId: 'post-mayor', unitId: issuingUnitId });
const as = (actor: Actor): CommandMeta => ({ actor });

async function readAllOf(store: EventStore, streamId: string): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of store.readStream(streamId)) events.push(event);
  return events;
}

function serialsIn(events: readonly RecordedEvent[]): number[] {
  return events.map((event) => (event.data as { number: { serial: number } }).number.serial);
}

/** A document carried to an approving collective discussion, ready to be registered. */
async function approvedDocument(handlers: DocumentsHandlers, issuingUnitId: string, upTo: 'reviewed' | 'approved' = 'approved'): Promise<string> {
  const documentId = newId('doc');
  await handlers.execute(
    { kind: 'draft', documentId, title: '某某管理办法', issuingUnitId, textSha256: 'c'.repeat(64), affectsBusiness: false, summary: null },
    as(clerk),
  );
  await handlers.execute(
    {
      kind: 'solicitComment',
      documentId,
      openedOn: '2026-01-05',
      closesOn: '2026-02-04',
      public: true,
      consultedUnitIds: [],
      notice: '门户网站公告',
      shortPeriodReason: null,
    },
    as(clerk),
  );
  await handlers.execute({ kind: 'closeComment', documentId, closedOn: '2026-02-04', opinionsReceived: 0, adoptionSummary: '无意见' }, as(clerk));
  await handlers.execute(
    { kind: 'recordLegalityReview', documentId, submittedOn: '2026-02-05', completedOn: '2026-02-13', outcome: 'passed', opinion: '合法' },
    as(reviewer),
  );
  if (upTo === 'approved') {
    await handlers.execute(
      { kind: 'recordCollectiveDiscussion', documentId, meeting: { kind: 'standing', heldOn: '2026-02-20' }, outcome: 'approved', notes: null },
      as(headOf(issuingUnitId)),
    );
  }
  return documentId;
}

describe('registration and numbering of documents (统一登记、统一编号) on SQLite', function () {
  let folder: string;
  let store: EventStore;
  let handlers: DocumentsHandlers;

  beforeEach(async function () {
    folder = await mkdtemp(join(tmpdir(), 'quanze-documents-'));
    store = await openEventStore(`sqlite:${folder}`);
    handlers = createDocumentsHandlers({ store, clock });
  });

  afterEach(async function () {
    await store.close();
    await rm(folder, { recursive: true, force: true });
  });

  describe('when twenty documents of one authority are registered at once', function () {
    it('gives them the serials 1 to 20, each once, none skipped', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentIds: string[] = [];
      for (let index = 0; index < 20; index++) documentIds.push(await approvedDocument(handlers, unitId));

      const outcomes = await Promise.all(documentIds.map((documentId) => handlers.register(documentId, as(clerk))));

      const register = await readAllOf(store, numberRegisterStreamId(code, 2026));
      expect(serialsIn(register)).to.deep.equal(Array.from({ length: 20 }, (_, index) => index + 1));
      expect(register.map((event) => event.streamVersion)).to.deep.equal(serialsIn(register));
      expect(new Set(register.map((event) => (event.data as { documentId: string }).documentId))).to.deep.equal(new Set(documentIds));
      // Each document carries the number the register gave it, and was registered once.
      for (const [index, documentId] of documentIds.entries()) {
        expect(outcomes[index]?.events.map((event) => event.type)).to.deep.equal(['document.registered.v1']);
        const { state } = await handlers.load(documentId);
        const held = register.find((event) => (event.data as { documentId: string }).documentId === documentId);
        expect(state?.registration?.number).to.deep.equal((held?.data as { number: unknown }).number);
      }
    });
  });

  describe('when a registration crashed after the register gave the number', function () {
    it('records that number on the document when retried, and takes no other', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentId = await approvedDocument(handlers, unitId);
      await appendNumberAlone(store, { documentId, issuingUnitId: unitId, authorityCode: code, year: 2026, serial: 1, assignedOn: '2026-03-01' }, clerk);
      expect((await handlers.load(documentId)).state?.registration).to.equal(null);

      const outcome = await handlers.register(documentId, as(clerk));

      expect(outcome.events.map((event) => event.type)).to.deep.equal(['document.registered.v1']);
      expect((await handlers.load(documentId)).state?.registration).to.deep.equal({
        number: { authorityCode: code, year: 2026, serial: 1, formatted: `${code}规〔2026〕1号` },
        registeredOn: '2026-03-01',
      });
      expect(serialsIn(await readAllOf(store, numberRegisterStreamId(code, 2026)))).to.deep.equal([1]);
    });

    it('names the register’s event as the cause of the registration', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentId = await approvedDocument(handlers, unitId);
      await appendNumberAlone(store, { documentId, issuingUnitId: unitId, authorityCode: code, year: 2026, serial: 1, assignedOn: '2026-03-01' }, clerk);

      const outcome = await handlers.register(documentId, as(clerk));

      const [assigned] = await readAllOf(store, numberRegisterStreamId(code, 2026));
      expect(outcome.events[0]?.causationId).to.equal(assigned?.eventId);
    });

    it('finds the number under the code the unit had then, after the unit was renamed with another code', async function () {
      const unitId = newId('gov');
      const oldCode = newAuthorityCode();
      const newCode = newAuthorityCode();
      await registerUnit(store, unitId, oldCode);
      const documentId = await approvedDocument(handlers, unitId);
      await appendNumberAlone(store, { documentId, issuingUnitId: unitId, authorityCode: oldCode, year: 2026, serial: 1, assignedOn: '2026-03-01' }, clerk);
      await renameUnit(store, unitId, newCode);

      await handlers.register(documentId, as(clerk));

      expect((await handlers.load(documentId)).state?.registration?.number.formatted).to.equal(`${oldCode}规〔2026〕1号`);
      expect(await readAllOf(store, numberRegisterStreamId(newCode, 2026))).to.deep.equal([]);
    });

    it('gives the next document the next serial', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const interrupted = await approvedDocument(handlers, unitId);
      const next = await approvedDocument(handlers, unitId);
      await appendNumberAlone(store, { documentId: interrupted, issuingUnitId: unitId, authorityCode: code, year: 2026, serial: 1, assignedOn: '2026-03-01' }, clerk);

      await handlers.register(next, as(clerk));
      await handlers.register(interrupted, as(clerk));

      expect((await handlers.load(next)).state?.registration?.number.serial).to.equal(2);
      expect((await handlers.load(interrupted)).state?.registration?.number.serial).to.equal(1);
      expect(serialsIn(await readAllOf(store, numberRegisterStreamId(code, 2026)))).to.deep.equal([1, 2]);
    });
  });

  describe('when a registration is repeated', function () {
    it('answers with the registration on record and appends nothing', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentId = await approvedDocument(handlers, unitId);
      const first = await handlers.register(documentId, as(clerk));

      const again = await handlers.register(documentId, as(clerk));

      expect(again.replayed).to.equal(true);
      expect(again.events.map((event) => event.eventId)).to.deep.equal(first.events.map((event) => event.eventId));
      expect(await readAllOf(store, documentStreamId(documentId))).to.have.length(6);
      expect(serialsIn(await readAllOf(store, numberRegisterStreamId(code, 2026)))).to.deep.equal([1]);
    });

    it('takes one number when the same document is registered five times at once', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentId = await approvedDocument(handlers, unitId);

      const outcomes = await Promise.all(Array.from({ length: 5 }, () => handlers.register(documentId, as(clerk))));

      expect(serialsIn(await readAllOf(store, numberRegisterStreamId(code, 2026)))).to.deep.equal([1]);
      const registrations = (await readAllOf(store, documentStreamId(documentId))).filter((event) => event.type === 'document.registered.v1');
      expect(registrations).to.have.length(1);
      for (const outcome of outcomes) expect(outcome.events.map((event) => event.eventId)).to.deep.equal([registrations[0]?.eventId]);
    });
  });

  describe('when a registration is refused', function () {
    it('refuses an issuing unit the organisation does not know', async function () {
      const documentId = await approvedDocument(handlers, newId('gov'));
      await expect(handlers.register(documentId, as(clerk))).to.be.rejectedWith(IssuingUnitUnknown);
    });

    it('refuses a unit without an authority code (机关代字)', async function () {
      const unitId = newId('town');
      await registerUnit(store, unitId, null);
      const documentId = await approvedDocument(handlers, unitId);
      await expect(handlers.register(documentId, as(clerk))).to.be.rejectedWith(AuthorityCodeMissing);
    });

    it('refuses a document the meeting has not approved before any number is taken', async function () {
      const unitId = newId('gov');
      const code = newAuthorityCode();
      await registerUnit(store, unitId, code);
      const documentId = await approvedDocument(handlers, unitId, 'reviewed');

      await expect(handlers.register(documentId, as(clerk))).to.be.rejectedWith(CollectiveApprovalRequired);
      expect(await readAllOf(store, numberRegisterStreamId(code, 2026))).to.deep.equal([]);
    });
  });
});
