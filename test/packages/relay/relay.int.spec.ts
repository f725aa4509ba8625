import { join } from 'node:path';
import { expect } from 'chai';
import { contentHash, toHex } from '@quanze/integrity';
import { LedgerEntryMessageV1, OUTBOX_CHECKPOINT, RELAY_FILE_NAME, RelayHeaders, TransferMessageV1, createSqliteRelayCheckpointStore } from '@quanze/relay';
import type { ReceiptMessageInput } from '@quanze/relay';
import { useKafkaMock } from '../../support/kafka.js';
import { COURT, OTHER_COURT, POLICE, POLICE_OFFICER, createRelayWorld, eventually, materials, readTopic, uuidFrom } from './relay-world.js';
import type { KafkaRecord, RelayWorld } from './relay-world.js';

const countOf = (types: readonly string[], type: string) => types.filter((candidate) => candidate === type).length;

describe('the Kafka relay (against librdkafka’s mock cluster)', function () {
  this.timeout(30_000);
  const kafka = useKafkaMock();
  let world: RelayWorld;

  beforeEach(async () => {
    world = await createRelayWorld(kafka.cluster.brokers);
  });

  afterEach(async () => {
    await world.close();
  });

  const transfersTopic = (code: string) => `${world.config.topicPrefix}transfers.${code}`;
  const deadLetterTopic = (code: string) => `${world.config.topicPrefix}receipts.${code}.dlq`;

  describe('the outbox', () => {
    it('publishes a transfer dispatched over HTTP once, to the receiving organisation’s topic, keyed by case, with its headers', async () => {
      const relay = await world.startRelay({ checkpointSize: () => Promise.resolve(3) });
      const { caseId, transferId, transferred } = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      // To a court that is not connected over Kafka: it reads its transfers from the inbox API, nothing is published.
      const unconnected = await world.transferredCase({ unitId: OTHER_COURT, kind: 'court' });
      await relay.outbox.waitFor(unconnected.transferred.position);

      const records = readTopic(kafka.cluster.brokers, transfersTopic('shangzhi-police'));
      expect(records).to.have.length(1);
      const [record] = records as [KafkaRecord];
      expect(record.key).to.equal(caseId);
      expect(record.headers).to.deep.equal({
        [RelayHeaders.schema]: 'quanze.transfer.v1',
        [RelayHeaders.eventId]: transferred.eventId,
        [RelayHeaders.position]: String(transferred.position),
        [RelayHeaders.contentHash]: toHex(contentHash(transferred)),
        [RelayHeaders.checkpointSize]: '3',
      });
      const message = TransferMessageV1.parse(JSON.parse(record.payload ?? 'null'));
      expect(message).to.deep.include({ caseId, transferId, forwarded: null });
      expect(message.receivingAuthority).to.deep.equal({ unitId: POLICE, kind: 'public-security', organisationCode: 'shangzhi-police' });
      expect(message.transfer).to.deep.include({ approvedBy: 'person-head', reportingOfficerIds: ['person-a', 'person-b'], materials });
      expect(message.case).to.deep.include({ title: '某某商贸有限公司销售不合格产品案', handlingUnitId: 'unit-scjgj' });
      expect(message.sentBy.personId).to.equal('person-clerk');
      expect(message.ledger).to.deep.include({ eventId: transferred.eventId, position: transferred.position, contentHash: toHex(contentHash(transferred)) });
      expect(message.ledger.entry).to.deep.include({ eventId: transferred.eventId, type: 'case.transferred.v1' });
      expect(readTopic(kafka.cluster.brokers, transfersTopic('shangzhi-court'))).to.deep.equal([]);
      // No public event types are configured: nothing goes to ledger.public.
      expect(readTopic(kafka.cluster.brokers, `${world.config.topicPrefix}ledger.public`)).to.deep.equal([]);
    });

    it('leaves the checkpoint-size header out when no sealer is configured', async () => {
      const { transferred } = await world.transferredCase({ unitId: COURT, kind: 'court' });
      const relay = await world.startRelay();
      await relay.outbox.waitFor(transferred.position);
      const [record] = readTopic(kafka.cluster.brokers, transfersTopic('shangzhi-court'));
      expect(record?.headers).to.have.property(RelayHeaders.eventId, transferred.eventId);
      expect(record?.headers).not.to.have.property(RelayHeaders.checkpointSize);
    });

    it('publishes the configured public events to ledger.public', async () => {
      const { caseId, transferred } = await world.transferredCase({ unitId: COURT, kind: 'court' });
      const opened = (await world.caseEvents(caseId))[0];
      if (opened === undefined) throw new Error('no case.opened.v1');
      const relay = await world.startRelay({ publicEventTypes: ['case.opened.v1'] });
      await relay.outbox.waitFor(transferred.position);
      const records = readTopic(kafka.cluster.brokers, `${world.config.topicPrefix}ledger.public`);
      expect(records.map((record) => record.headers[RelayHeaders.eventId])).to.deep.equal([opened.eventId]);
      expect(records[0]?.key).to.equal(`case-${caseId}`);
      const message = LedgerEntryMessageV1.parse(JSON.parse(records[0]?.payload ?? 'null'));
      expect(message).to.deep.include({ eventId: opened.eventId, type: 'case.opened.v1', position: opened.position, contentHash: toHex(contentHash(opened)) });
    });

    it('republishes after a crash between publish and checkpoint: nothing lost, every event id seen, the ledger’s effect once', async () => {
      const first = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      let crashAt = Number.POSITIVE_INFINITY;
      let crashed = false;
      const relay = await world.startRelay({
        retryAfterMs: 60_000,
        afterPublish: (position) => {
          if (position < crashAt || crashed) return;
          crashed = true;
          throw new Error('killed between publish and checkpoint');
        },
      });
      await relay.outbox.waitFor(first.transferred.position);
      const second = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      crashAt = second.transferred.position;
      // The crash leaves the page published and unchecked; this relay is gone before it tries again.
      await eventually(() => {
        expect(crashed).to.equal(true);
      });
      await relay.stop();
      const stored = createSqliteRelayCheckpointStore({ path: join(world.dataFolder, RELAY_FILE_NAME) });
      expect(await stored.read(OUTBOX_CHECKPOINT)).to.be.below(second.transferred.position);
      await stored.close();
      // Sent while no relay runs.
      const third = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });

      const restarted = await world.startRelay();
      await restarted.outbox.waitFor(third.transferred.position);
      const published = readTopic(kafka.cluster.brokers, transfersTopic('shangzhi-police'));
      const eventIds = published.map((record) => record.headers[RelayHeaders.eventId]);
      const sent = [first, second, third].map((transfer) => transfer.transferred.eventId);
      expect(new Set(eventIds)).to.deep.equal(new Set(sent));
      expect(countOf(eventIds.map(String), second.transferred.eventId)).to.equal(2);

      // The police answer every message they get, with a message id made from the event id: a repeat is one act.
      for (const record of published) {
        const message = TransferMessageV1.parse(JSON.parse(record.payload ?? 'null'));
        await world.sendReceipt('shangzhi-police', {
          schema: 'quanze.receipt.v1',
          messageId: uuidFrom(`receipt:${message.ledger.eventId}`),
          kind: 'receipt',
          caseId: message.caseId,
          transferId: message.transferId,
          actor: POLICE_OFFICER,
          inReplyTo: message.ledger.eventId,
        });
      }
      for (const transfer of [first, second, third]) {
        const events = await eventually(async () => {
          const types = (await world.caseEvents(transfer.caseId)).map((event) => event.type);
          expect(types).to.include('case.transferReceived.v1');
          return world.caseEvents(transfer.caseId);
        });
        expect(countOf(events.map((event) => event.type), 'case.transferReceived.v1')).to.equal(1);
        const receipt = events.find((event) => event.type === 'case.transferReceived.v1');
        expect(receipt?.causationId).to.equal(transfer.transferred.eventId);
      }
      // Redeliveries were consumed, not dead-lettered.
      expect(readTopic(kafka.cluster.brokers, deadLetterTopic('shangzhi-police'))).to.deep.equal([]);
    });
    it('passes a transfer on when its receiver forwards it over Kafka (转送): the forwarding is recorded and published to the new authority', async () => {
      const { caseId, transferId, transferred } = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      const relay = await world.startRelay();
      await world.sendReceipt('shangzhi-police', {
        schema: 'quanze.receipt.v1',
        messageId: uuidFrom(`receipt:${transferId}`),
        kind: 'receipt',
        caseId,
        transferId,
        actor: POLICE_OFFICER,
      });
      await world.sendReceipt('shangzhi-police', {
        schema: 'quanze.receipt.v1',
        messageId: uuidFrom(`forwarding:${transferId}`),
        kind: 'forwarding',
        caseId,
        transferId,
        actor: POLICE_OFFICER,
        to: { unitId: COURT, kind: 'court' },
        reasons: '属人民法院自诉案件',
      });
      const forwarding = await eventually(async () => {
        const found = (await world.caseEvents(caseId)).find((event) => event.type === 'case.transferForwarded.v1');
        expect(found).not.to.equal(undefined);
        return found;
      });
      if (forwarding === undefined) throw new Error('no forwarding');
      await relay.outbox.waitFor(forwarding.position);

      const [record, ...more] = readTopic(kafka.cluster.brokers, transfersTopic('shangzhi-court'));
      expect(more).to.deep.equal([]);
      expect(record?.headers[RelayHeaders.eventId]).to.equal(forwarding.eventId);
      const message = TransferMessageV1.parse(JSON.parse(record?.payload ?? 'null'));
      expect(message.receivingAuthority).to.deep.equal({ unitId: COURT, kind: 'court', organisationCode: 'shangzhi-court' });
      expect(message.forwarded).to.deep.include({ fromUnitId: POLICE, forwardedBy: POLICE_OFFICER.personId, reasons: '属人民法院自诉案件' });
      // What was transferred, as the agency sent it, with who sent it.
      expect(message.transfer.materials).to.deep.equal(materials);
      expect(message.sentBy.personId).to.equal(transferred.actor.personId);
      expect(message.ledger.contentHash).to.equal(toHex(contentHash(forwarding)));
    });
  });

  describe('the receipts consumer', () => {
    const answer = (transfer: { caseId: string; transferId: string }, fields: Partial<ReceiptMessageInput> & Pick<ReceiptMessageInput, 'kind'>) =>
      ({
        schema: 'quanze.receipt.v1',
        messageId: uuidFrom(`${transfer.transferId}:${fields.kind}:${String(Math.random())}`),
        caseId: transfer.caseId,
        transferId: transfer.transferId,
        actor: POLICE_OFFICER,
        ...fields,
      }) as ReceiptMessageInput;

    it('turns receipts, acceptances and returns into the case’s events; a redelivered message has no second effect', async () => {
      const accepted = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      const returned = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      await world.startRelay();

      const receipt = answer(accepted, { kind: 'receipt', receiptNumber: '尚公回〔2026〕9号' });
      await world.sendReceipt('shangzhi-police', receipt);
      await world.sendReceipt('shangzhi-police', receipt);
      await world.sendReceipt('shangzhi-police', answer(accepted, { kind: 'acceptance', criminalCaseNumber: 'A230183202603' }));
      await world.sendReceipt('shangzhi-police', answer(returned, { kind: 'receipt' }));
      const returnMessage = answer(returned, { kind: 'return', reasons: '没有犯罪事实' });
      await world.sendReceipt('shangzhi-police', returnMessage);
      await world.sendReceipt('shangzhi-police', returnMessage);

      const acceptedTypes = await eventually(async () => {
        const types = (await world.caseEvents(accepted.caseId)).map((event) => event.type);
        expect(types).to.include('case.transferAccepted.v1');
        return types;
      });
      expect(acceptedTypes.slice(-2)).to.deep.equal(['case.transferReceived.v1', 'case.transferAccepted.v1']);
      const returnedEvents = await eventually(async () => {
        const events = await world.caseEvents(returned.caseId);
        expect(events.map((event) => event.type)).to.include('case.transferReturned.v1');
        return events;
      });
      expect(returnedEvents.slice(-2).map((event) => event.type)).to.deep.equal(['case.transferReceived.v1', 'case.transferReturned.v1']);
      const returnEvent = returnedEvents.at(-1);
      expect(returnEvent?.actor).to.deep.equal({ ...POLICE_OFFICER, unitId: POLICE });
      expect(returnEvent?.data).to.deep.include({ returnedBy: POLICE_OFFICER.personId, reasons: '没有犯罪事实' });
      expect(returnEvent?.correlationId).to.equal(returnMessage.messageId);

      // As the police see it over HTTP.
      const police = await world.app.token({ ...POLICE_OFFICER, unitId: POLICE, roles: ['public-security'] });
      const view = await world.app.request<{ transfers: { stage: string }[] }>('get', `/cases/${accepted.caseId}`, { token: police });
      expect(view.body.transfers[0]?.stage).to.equal('accepted');
      // The repeats found their first outcome: nothing refused, nothing dead-lettered.
      expect(readTopic(kafka.cluster.brokers, deadLetterTopic('shangzhi-police'))).to.deep.equal([]);
    });

    it('dead-letters a malformed message and one the rules refuse, with the reason, and goes on with the next', async () => {
      const transfer = await world.transferredCase({ unitId: POLICE, kind: 'public-security' });
      await world.startRelay();

      await world.sendReceipt('shangzhi-police', answer(transfer, { kind: 'receipt', receiptNumber: '尚公回〔2026〕12号' }));
      await world.sendReceipt('shangzhi-police', '{"schema": "quanze.receipt.v1", "kind": "receipt"', transfer.caseId);
      await world.sendReceipt('shangzhi-police', JSON.stringify({ ...answer(transfer, { kind: 'acceptance' }), caseId: undefined }), transfer.caseId);
      await world.sendReceipt('shangzhi-police', JSON.stringify({ ...answer(transfer, { kind: 'acceptance' }), schema: 'quanze.receipt.v2' }), transfer.caseId);
      // 310号 第8条: a return states its reasons. Refused by the decider, as over HTTP.
      await world.sendReceipt('shangzhi-police', answer(transfer, { kind: 'return' }));
      // Someone who holds no post in the police bureau.
      await world.sendReceipt('shangzhi-police', answer(transfer, { kind: 'acceptance', actor: { personId: 'person-impostor', postId: POLICE_OFFICER.postId } }));
      // On the court's topic a message acts for the court, whatever it says: the police officer holds no post there.
      await world.sendReceipt('shangzhi-court', answer(transfer, { kind: 'acceptance' }));
      await world.sendReceipt('shangzhi-police', answer(transfer, { kind: 'acceptance', criminalCaseNumber: 'A230183202603' }));

      const events = await eventually(async () => {
        const found = await world.caseEvents(transfer.caseId);
        expect(found.map((event) => event.type)).to.include('case.transferAccepted.v1');
        return found;
      });
      expect(events.slice(-2).map((event) => event.type)).to.deep.equal(['case.transferReceived.v1', 'case.transferAccepted.v1']);
      expect(events.at(-1)?.data).to.deep.include({ criminalCaseNumber: 'A230183202603', acceptedBy: POLICE_OFFICER.personId });

      const police = await eventually(() => {
        const records = readTopic(kafka.cluster.brokers, deadLetterTopic('shangzhi-police'));
        expect(records).to.have.length(5);
        return records;
      });
      const sorted = [...police].sort((a, b) => Number(a.headers[RelayHeaders.deadLetterOffset]) - Number(b.headers[RelayHeaders.deadLetterOffset]));
      expect(sorted.map((record) => record.headers[RelayHeaders.deadLetterReason])).to.deep.equal([
        'relay.malformed-message',
        'relay.malformed-message',
        'relay.malformed-message',
        'enforcement.return-reasons-required',
        'auth.post-not-held',
      ]);
      const detail = (index: number) => sorted[index]?.headers[RelayHeaders.deadLetterDetail] ?? '';
      expect(detail(0)).to.match(/^not JSON/);
      expect(detail(1)).to.contain('caseId');
      expect(detail(2)).to.contain('schema');
      expect(detail(3)).to.contain('第8条');
      expect(sorted[0]?.payload).to.equal('{"schema": "quanze.receipt.v1", "kind": "receipt"');
      for (const record of sorted) {
        expect(record.headers[RelayHeaders.deadLetterTopic]).to.equal(`${world.config.topicPrefix}receipts.shangzhi-police`);
      }
      const court = await eventually(() => {
        const records = readTopic(kafka.cluster.brokers, deadLetterTopic('shangzhi-court'));
        expect(records).to.have.length(1);
        return records;
      });
      expect(court[0]?.headers[RelayHeaders.deadLetterReason]).to.equal('auth.post-not-held');
    });
  });
});
