import { expect } from 'chai';
import { newEventId } from '@quanze/events';
import type { RecordedEvent } from '@quanze/events';
import { createOrganizationService } from '../../../services/organization/src/index.js';
import { startTestApp } from '../../support/http.js';
import type { TestApp, TestResponse } from '../../support/http.js';

const now = new Date('2020-06-01T02:00:00.000Z');
const BASIS = '尚组任〔2017〕1号';

/**
 * One holder per post, held by the post's own stream (`post-<postId>`): appointments claim it with the stream's
 * version as the expected one, and a claim left half-way by a crash is completed, not taken twice.
 */
describe('one holder per post (职位占用), over HTTP', () => {
  let app: TestApp;
  let admin: string;
  let unitId: string;

  async function created(path: string, body: unknown, headers: Record<string, string> = {}): Promise<TestResponse> {
    const response = await app.request('post', path, { token: admin, body, headers });
    expect(response.status, JSON.stringify(response.body)).to.equal(201);
    return response;
  }
  async function subject(path: string, body: unknown, key: string): Promise<string> {
    const id = ((await created(path, body)).body.subject as Record<string, string>)[key];
    if (id === undefined) throw new Error(`no ${key}`);
    return id;
  }
  const newPost = (title = '局长') => subject(`/units/${unitId}/posts`, { title }, 'postId');
  const newPerson = (name: string) => subject('/persons', { name }, 'personId');
  const appoint = (personId: string, postId: string, appointedOn = '2017-01-01', headers: Record<string, string> = {}) =>
    app.request('post', `/persons/${personId}/appointments`, { token: admin, body: { postId, unitId, appointedOn, basis: BASIS }, headers });

  async function read(streamId: string): Promise<RecordedEvent[]> {
    const events: RecordedEvent[] = [];
    for await (const event of app.store.readStream(streamId)) events.push(event);
    return events;
  }
  const typesOf = async (streamId: string) => (await read(streamId)).map((event) => event.type);
  /** What a process that died half-way through a command would have left: one append, written straight to the store. */
  async function appendAlone(streamId: string, type: string, data: Record<string, unknown>): Promise<void> {
    const version = (await read(streamId)).length;
    const event = {
      eventId: newEventId(),
      type,
      occurredAt: now.toISOString(),
      actor: { personId: 'admin-1', postId: null, unitId: null },
      causationId: null,
      correlationId: null,
      commandId: null,
      data,
    };
    await app.store.appendToStream(streamId, [event], { expectedVersion: version === 0 ? 'no_stream' : version });
  }
  const postsHeldBy = async (personId: string) =>
    ((await app.request('get', `/persons/${personId}`, { token: admin })).body.posts as { postId: string }[]).map((held) => held.postId);

  before(async () => {
    app = await startTestApp([createOrganizationService], { clock: () => now });
    admin = await app.token({ roles: ['admin'], personId: 'admin-1', postId: null, unitId: null });
    unitId = await subject('/units', { name: '尚志市市场监督管理局', kind: 'department', establishedOn: '2016-01-01' }, 'unitId');
  });
  after(async () => {
    await app.close();
  });

  it('appoints exactly one of eight people sent at once to the same post', async () => {
    const postId = await newPost();
    const people = await Promise.all(['甲', '乙', '丙', '丁', '戊', '己', '庚', '辛'].map(newPerson));
    const answers = await Promise.all(people.map((personId) => appoint(personId, postId)));

    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409, 409, 409]);
    expect(answers.filter((answer) => answer.status === 409).map((answer) => answer.body.code)).to.deep.equal(Array(7).fill('organization.post-held-by-another'));
    expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1']);
    const appointed = await Promise.all(people.map(async (personId) => (await typesOf(`person-${personId}`)).filter((type) => type === 'person.appointed.v1').length));
    expect(appointed.reduce((sum, count) => sum + count, 0)).to.equal(1);
    const winner = people[answers.findIndex((answer) => answer.status === 201)] ?? '';
    expect((await read(`post-${postId}`))[0]?.data).to.deep.include({ personId: winner });
  });

  it('appoints a person once when the same appointment is sent six times at once', async () => {
    const postId = await newPost();
    const personId = await newPerson('张三');
    const answers = await Promise.all(Array.from({ length: 6 }, () => appoint(personId, postId)));
    expect(answers.map((answer) => answer.status).sort()).to.deep.equal([201, 409, 409, 409, 409, 409]);
    expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1']);
    expect((await typesOf(`person-${personId}`)).filter((type) => type === 'person.appointed.v1')).to.have.length(1);
  });

  it('vacates the post on removal and on retirement, from their days', async () => {
    const postId = await newPost();
    const [zhang, li] = [await newPerson('张三'), await newPerson('李四')];
    await created(`/persons/${zhang}/appointments`, { postId, unitId, appointedOn: '2017-01-01', basis: BASIS });
    await created(`/persons/${zhang}/removals`, { postId, removedOn: '2018-06-30', reason: 'rotation', basis: '尚组任〔2018〕7号' });
    await created(`/persons/${li}/appointments`, { postId, unitId, appointedOn: '2018-06-30', basis: BASIS });
    await created(`/persons/${li}/retirement`, { retiredOn: '2019-12-31', basis: '退休审批表' });
    const events = await read(`post-${postId}`);
    expect(events.map((event) => [event.type, event.data])).to.deep.equal([
      ['post.occupied.v1', { postId, unitId, personId: zhang, occupiedOn: '2017-01-01' }],
      ['post.vacated.v1', { postId, unitId, personId: zhang, vacatedOn: '2018-06-30', reason: 'rotation' }],
      ['post.occupied.v1', { postId, unitId, personId: li, occupiedOn: '2018-06-30' }],
      ['post.vacated.v1', { postId, unitId, personId: li, vacatedOn: '2019-12-31', reason: 'retirement' }],
    ]);
  });

  describe('after a crash between the two appends', () => {
    it('completes the appointment when it is sent again, and holds the post once', async () => {
      const postId = await newPost();
      const [zhang, li] = [await newPerson('张三'), await newPerson('李四')];
      await appendAlone(`post-${postId}`, 'post.occupied.v1', { postId, unitId, personId: zhang, occupiedOn: '2017-01-01' });

      // The pending claim is Zhang's: nobody else takes the post meanwhile.
      const other = await appoint(li, postId);
      expect(other.status).to.equal(409);
      expect(other.body.code).to.equal('organization.post-held-by-another');

      expect((await appoint(zhang, postId)).status).to.equal(201);
      expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1']);
      expect(await typesOf(`person-${zhang}`)).to.deep.equal(['person.registered.v1', 'person.appointed.v1']);
      expect(await postsHeldBy(zhang)).to.deep.equal([postId]);

      // Sent once more, it is an appointment to a post already held, not a second claim.
      expect((await appoint(zhang, postId)).body.code).to.equal('organization.post-already-held');
      expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1']);
    });

    it('completes it once with an Idempotency-Key, and answers the repeats as the first time', async () => {
      const postId = await newPost();
      const zhang = await newPerson('张三');
      await appendAlone(`post-${postId}`, 'post.occupied.v1', { postId, unitId, personId: zhang, occupiedOn: '2017-01-01' });
      const first = await appoint(zhang, postId, '2017-01-01', { 'Idempotency-Key': 'appoint-zhang-1' });
      const again = await appoint(zhang, postId, '2017-01-01', { 'Idempotency-Key': 'appoint-zhang-1' });
      expect([first.status, again.status]).to.deep.equal([201, 200]);
      expect(again.body.replayed).to.equal(true);
      expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1']);
      expect((await typesOf(`person-${zhang}`)).filter((type) => type === 'person.appointed.v1')).to.have.length(1);
    });

    it('replaces the pending claim when the appointment is sent again with another day', async () => {
      const postId = await newPost();
      const zhang = await newPerson('张三');
      await appendAlone(`post-${postId}`, 'post.occupied.v1', { postId, unitId, personId: zhang, occupiedOn: '2017-01-01' });
      expect((await appoint(zhang, postId, '2017-02-01')).status).to.equal(201);
      expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1', 'post.claimReleased.v1', 'post.occupied.v1']);
      expect((await read(`post-${postId}`))[2]?.data).to.deep.include({ occupiedOn: '2017-02-01' });
    });

    it('finishes a removal whose vacancy was not recorded before the next appointment', async () => {
      const postId = await newPost();
      const [zhang, li] = [await newPerson('张三'), await newPerson('李四')];
      await created(`/persons/${zhang}/appointments`, { postId, unitId, appointedOn: '2017-01-01', basis: BASIS });
      await appendAlone(`person-${zhang}`, 'person.removed.v1', { personId: zhang, postId, unitId, removedOn: '2018-06-30', reason: 'rotation', basis: 'x' });

      const early = await appoint(li, postId, '2018-06-29');
      expect(early.body.code).to.equal('organization.date-out-of-order');
      expect((await appoint(li, postId, '2018-06-30')).status).to.equal(201);
      expect((await read(`post-${postId}`)).map((event) => [event.type, (event.data as { personId: string }).personId])).to.deep.equal([
        ['post.occupied.v1', zhang],
        ['post.vacated.v1', zhang],
        ['post.occupied.v1', li],
      ]);
    });

    it('withdraws the pending claim of a person who retired before the appointment was recorded', async () => {
      const postId = await newPost();
      const [zhang, li] = [await newPerson('张三'), await newPerson('李四')];
      await appendAlone(`post-${postId}`, 'post.occupied.v1', { postId, unitId, personId: zhang, occupiedOn: '2017-01-01' });
      await created(`/persons/${zhang}/retirement`, { retiredOn: '2017-06-30', basis: '退休审批表' });
      expect((await appoint(zhang, postId)).body.code).to.equal('organization.person-retired');
      expect((await appoint(li, postId, '2017-07-01')).status).to.equal(201);
      expect(await typesOf(`post-${postId}`)).to.deep.equal(['post.occupied.v1', 'post.claimReleased.v1', 'post.occupied.v1']);
      expect(await postsHeldBy(li)).to.deep.equal([postId]);
    });
  });
});
