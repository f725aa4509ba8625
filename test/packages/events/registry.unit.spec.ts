import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { z } from 'zod';
import {
  EventParseError,
  SupersededEventType,
  UnknownEventType,
  createEventRegistry,
  defineEvent,
  defineUpcaster,
} from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';

// A small event evolving over three versions, as a real one would: a field renamed, then one split.
const noticeServedV1 = defineEvent('notice.served.v1', z.object({ caseId: z.string(), to: z.string() }));
const noticeServedV2 = defineEvent('notice.served.v2', z.object({ caseId: z.string(), recipient: z.string() }));
const noticeServedV3 = defineEvent(
  'notice.served.v3',
  z.object({ caseId: z.string(), recipient: z.object({ name: z.string(), kind: z.enum(['person', 'organisation']) }) }),
);
const upcasters = [
  defineUpcaster(noticeServedV1, noticeServedV2, (data) => ({ caseId: data.caseId, recipient: data.to })),
  defineUpcaster(noticeServedV2, noticeServedV3, (data) => ({
    caseId: data.caseId,
    recipient: { name: data.recipient, kind: 'person' as const },
  })),
];
const caseOpenedV1 = defineEvent('case.opened.v1', z.object({ caseId: z.string(), openedOn: z.iso.date() }));

function recorded(type: string, data: unknown): RecordedEvent {
  return {
    eventId: randomUUID(),
    type,
    streamId: 'case-1',
    streamVersion: 1,
    position: 1,
    occurredAt: '2017-03-01T08:00:00.000Z',
    recordedAt: '2017-03-01T08:00:01.000Z',
    actor: { personId: 'p-1', postId: 'post-1', unitId: 'u-1' },
    causationId: null,
    correlationId: null,
    commandId: null,
    data,
  };
}

describe('the event registry', () => {
  const registry = createEventRegistry({ events: [noticeServedV3, caseOpenedV1], upcasters });

  describe('when reading an event stored in an old version', () => {
    it('upcasts it through every version to the current shape', () => {
      const event = registry.parse(recorded('notice.served.v1', { caseId: 'c-1', to: '张三' }));
      expect(event.type).to.equal('notice.served.v3');
      expect(event.data).to.deep.equal({ caseId: 'c-1', recipient: { name: '张三', kind: 'person' } });
    });

    it('keeps the envelope as it was recorded', () => {
      const stored = recorded('notice.served.v2', { caseId: 'c-1', recipient: '李四' });
      const event = registry.parse(stored);
      expect({ ...event, type: stored.type, data: stored.data }).to.deep.equal(stored);
    });

    it('reads the current version as it is', () => {
      const data = { caseId: 'c-1', recipient: { name: '某公司', kind: 'organisation' } };
      expect(registry.parse(recorded('notice.served.v3', data)).data).to.deep.equal(data);
    });
  });

  describe('when the data does not match its schema', () => {
    it('names the event type, the event and the field', () => {
      const stored = recorded('case.opened.v1', { caseId: 'c-1', openedOn: '2017-02-30x' });
      expect(() => registry.parse(stored))
        .to.throw(EventParseError)
        .that.satisfies((error: EventParseError) => {
          expect(error.eventType).to.equal('case.opened.v1');
          expect(error.eventId).to.equal(stored.eventId);
          expect(error.issues.map((issue) => issue.path)).to.deep.equal(['data.openedOn']);
          expect(error.message).to.contain('case.opened.v1').and.contain('data.openedOn');
          return true;
        });
    });

    it('validates an old version against its own schema before upcasting it', () => {
      expect(() => registry.parse(recorded('notice.served.v1', { caseId: 'c-1' })))
        .to.throw(EventParseError)
        .with.property('eventType', 'notice.served.v1');
    });
  });

  it('rejects a type that is not in the catalogue', () => {
    expect(() => registry.parse(recorded('case.vanished.v1', {}))).to.throw(UnknownEventType, 'case.vanished.v1');
  });

  describe('when validating an event before it is appended', () => {
    it('accepts the current version', () => {
      const { data } = registry.validateProposed(recorded('case.opened.v1', { caseId: 'c-1', openedOn: '2017-03-01' }));
      expect(data).to.deep.equal({ caseId: 'c-1', openedOn: '2017-03-01' });
    });

    it('refuses an old version, naming the current one', () => {
      expect(() => registry.validateProposed(recorded('notice.served.v1', { caseId: 'c-1', to: 'x' })))
        .to.throw(SupersededEventType)
        .with.property('currentType', 'notice.served.v3');
    });

    it('refuses data that does not match, naming the field', () => {
      expect(() => registry.validateProposed(recorded('case.opened.v1', { caseId: 7, openedOn: '2017-03-01' })))
        .to.throw(EventParseError)
        .with.nested.property('issues[0].path', 'data.caseId');
    });
  });

  describe('when it is built wrongly', () => {
    it('refuses two current versions of one event', () => {
      expect(() => createEventRegistry({ events: [noticeServedV2, noticeServedV3] })).to.throw(TypeError, 'both current');
    });

    it('refuses an upcaster chain that does not reach the current version', () => {
      const [first] = upcasters;
      expect(() => createEventRegistry({ events: [noticeServedV3], upcasters: first ? [first] : [] })).to.throw(
        TypeError,
        'not the current version',
      );
    });

    it('refuses an upcaster that skips a version or changes the event', () => {
      expect(() => defineUpcaster(noticeServedV1, noticeServedV3, () => ({ caseId: '', recipient: { name: '', kind: 'person' as const } }))).to.throw(TypeError);
      expect(() => defineUpcaster(noticeServedV1, caseOpenedV1, () => ({ caseId: '', openedOn: '' }))).to.throw(TypeError);
    });

    it('refuses a type that is not <aggregate>.<verb>.v<N>', () => {
      expect(() => defineEvent('DecisionMade', z.object({}))).to.throw(TypeError);
      expect(() => defineEvent('decision.made.v0', z.object({}))).to.throw(TypeError);
    });
  });
});
