import { expect } from 'chai';
import type { RecordedEvent } from '@quanze/events';
import { proposedEvent } from '../../support/events.js';
import { authorizationMatrix, expectMatrixMatchesAllow, startTestApp } from '../../support/http.js';
import type { TestApp } from '../../support/http.js';
import { createNotesService } from './ledger-test-service.js';

async function allEvents(app: TestApp): Promise<RecordedEvent[]> {
  const events: RecordedEvent[] = [];
  for await (const event of app.store.readAll()) events.push(event);
  return events;
}

describe('service-kit app', () => {
  let app: TestApp;
  let clerk: string;
  let head: string;

  beforeEach(async () => {
    app = await startTestApp([createNotesService], { bodyLimit: '2kb' });
    clerk = await app.token({ roles: ['clerk'], personId: 'p-clerk', postId: 'post-1', unitId: 'unit-1' });
    head = await app.token({ roles: ['head'], personId: 'p-head', postId: 'post-2', unitId: 'unit-1' });
  });
  afterEach(() => app.close());

  describe('a valid command', () => {
    it('appends the event with the caller as actor and answers 201 with where it landed', async () => {
      const response = await app.request<{ subject: { noteId: string }; events: { type: string; position: number }[] }>('post', '/notes', {
        token: clerk,
        body: { title: '关于试行的通知' },
      });
      expect(response.status).to.equal(201);
      expect(response.body.events.map((event) => event.type)).to.deep.equal(['note.opened.v1']);
      const [event] = await allEvents(app);
      expect(event?.actor).to.deep.equal({ personId: 'p-clerk', postId: 'post-1', unitId: 'unit-1' });
      expect(event?.streamId).to.equal(`note-${response.body.subject.noteId}`);
      expect(event?.data).to.deep.equal({ noteId: response.body.subject.noteId, title: '关于试行的通知' });
    });

    it('echoes a given request id and uses it as the correlation id when it is a uuid', async () => {
      const requestId = '0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e6f';
      const response = await app.request('post', '/notes', { token: clerk, body: { title: 't' }, headers: { 'x-request-id': requestId } });
      expect(response.headers.get('x-request-id')).to.equal(requestId);
      const [event] = await allEvents(app);
      expect(event?.correlationId).to.equal(requestId);
    });
  });

  describe('bad input', () => {
    it('answers 400 problem+json naming a field of the wrong type', async () => {
      const response = await app.request('post', '/notes', { token: clerk, body: { title: 42 } });
      expect(response.status).to.equal(400);
      expect(response.headers.get('content-type')).to.match(/^application\/problem\+json/);
      expect(response.body).to.include({ code: 'validation.failed', status: 400 });
      expect(response.body.errors).to.deep.include.members([{ path: ['body', 'title'], message: 'Invalid input: expected string, received number' }]);
    });

    it('names a missing field', async () => {
      const response = await app.request<{ errors: { path: unknown[] }[] }>('post', '/notes', { token: clerk, body: {} });
      expect(response.status).to.equal(400);
      expect(response.body.errors.map((error) => error.path)).to.deep.equal([['body', 'title']]);
    });

    it('names an unknown field instead of ignoring it', async () => {
      const response = await app.request<{ errors: { path: unknown[]; message: string }[] }>('post', '/notes', {
        token: clerk,
        body: { title: 't', signedBy: 'someone-else' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]?.message).to.contain('signedBy');
    });

    it('names an invalid path parameter', async () => {
      const response = await app.request<{ errors: { path: unknown[] }[] }>('post', '/notes/%E5%B0%9A/signatures', { token: head, body: { remark: 'r' } });
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]?.path).to.deep.equal(['params', 'noteId']);
    });

    it('names an invalid query parameter', async () => {
      const response = await app.request<{ errors: { path: unknown[] }[] }>('get', '/notes/n-1?verbose=yes');
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]?.path).to.deep.equal(['query', 'verbose']);
    });

    it('answers 400 for a path that is not valid percent-encoding', async () => {
      const response = await app.request('post', '/notes/%ZZ/signatures', { token: head, body: { remark: 'r' } });
      expect(response.status).to.equal(400);
      expect(response.body.code).to.equal('validation.failed');
    });

    it('names a lone surrogate anywhere in the body, which no event may hold', async () => {
      const response = await app.request<{ errors: { path: unknown[] }[] }>('post', '/notes', {
        token: clerk,
        rawBody: '{"title": "ok", "pages": 1, "nested": {"x": ["\\ud800"]}}',
        headers: { 'idempotency-key': 'k-surrogate' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]?.path).to.deep.equal(['body', 'nested', 'x', 0]);
      expect(await allEvents(app)).to.have.length(0);
    });

    it('answers 413 for a body over the limit and records nothing', async () => {
      const response = await app.request('post', '/notes', { token: clerk, body: { title: '长'.repeat(3000) } });
      expect(response.status).to.equal(413);
      expect(response.body.code).to.equal('request.too-large');
      expect(await allEvents(app)).to.have.length(0);
    });

    it('answers 400 for malformed JSON', async () => {
      const response = await app.request('post', '/notes', { token: clerk, rawBody: '{"title": ' });
      expect(response.status).to.equal(400);
      expect(response.body.code).to.equal('request.malformed-json');
    });

    it('answers 415 for a body that is not JSON', async () => {
      const response = await app.request('post', '/notes', { token: clerk, rawBody: 'title=t', headers: { 'content-type': 'application/x-www-form-urlencoded' } });
      expect(response.status).to.equal(415);
    });

    it('answers 404 problem+json for an unknown route', async () => {
      const response = await app.request('get', '/nowhere');
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('route.not-found');
    });
  });

  describe('domain errors', () => {
    it('answer with the status of their code, the article and the field at fault', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const response = await app.request('post', `/notes/${opened.body.subject.noteId}/signatures`, { token: head, body: { remark: '-' } });
      expect(response.status).to.equal(422);
      expect(response.body).to.include({ code: 'note.signature-needs-remark', article: '测试条例 第1条', title: 'a signature needs a remark' });
      expect(response.body.errors).to.deep.equal([{ path: ['body', 'remark'], message: 'a signature needs a remark' }]);
    });

    it('answer 404 for a subject that does not exist', async () => {
      const response = await app.request('post', '/notes/no-such-note/signatures', { token: head, body: { remark: 'r' } });
      expect(response.status).to.equal(404);
      expect(response.body.code).to.equal('subject.not-found');
    });

    it('answer 500 without details when a code has no status, and nothing is recorded', async () => {
      const response = await app.request('post', '/notes', { token: clerk, body: { title: 'unmapped' } });
      expect(response.status).to.equal(500);
      expect(response.body).to.include({ code: 'internal' });
      expect(JSON.stringify(response.body)).not.to.contain('at ');
      expect(await allEvents(app)).to.have.length(0);
    });
  });

  describe('authentication and roles', () => {
    it('answers 401 without a token', async () => {
      const response = await app.request('post', '/notes', { body: { title: 't' } });
      expect(response.status).to.equal(401);
      expect(response.headers.get('www-authenticate')).to.equal('Bearer');
    });

    it('answers 401 for a token signed by another key', async () => {
      const other = await startTestApp([createNotesService]);
      try {
        const foreign = await other.token({ roles: ['clerk'] });
        const response = await app.request('post', '/notes', { token: foreign, body: { title: 't' } });
        expect(response.status).to.equal(401);
        expect(response.body.code).to.equal('auth.invalid-token');
      } finally {
        await other.close();
      }
    });

    it('answers 401 for an expired token', async () => {
      const expired = await app.tokens.issue({ personId: 'p', postId: null, unitId: null, roles: ['clerk'] }, { expiresIn: '-1s' });
      const response = await app.request('post', '/notes', { token: expired, body: { title: 't' } });
      expect(response.status).to.equal(401);
    });

    it('answers 403 to a role the route does not allow, before reading the body', async () => {
      const analyst = await app.token({ roles: ['analyst'] });
      const response = await app.request('post', '/notes', { token: analyst, body: { title: 42 } });
      expect(response.status).to.equal(403);
      expect(response.body.code).to.equal('auth.forbidden');
    });

    it('lets anyone read a public route', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const response = await app.request('get', `/notes/${opened.body.subject.noteId}`);
      expect(response.status).to.equal(200);
      expect(response.body).to.include({ opened: true, signatures: 0 });
    });

    it('matches every route against every role', async () => {
      const [service] = app.services;
      if (service === undefined) throw new Error('no service');
      const rows = await authorizationMatrix(app, service);
      expect(rows).to.have.length(4 * 10);
      expectMatrixMatchesAllow(rows);
    });
  });

  describe('idempotency', () => {
    it('answers a repeated command with the first outcome and appends nothing', async () => {
      const request = { token: clerk, body: { title: 't' }, headers: { 'idempotency-key': 'open-1' } };
      const first = await app.request<{ subject: { noteId: string }; events: unknown[] }>('post', '/notes', request);
      const second = await app.request<{ subject: { noteId: string }; events: unknown[]; replayed: boolean }>('post', '/notes', request);
      expect(first.status).to.equal(201);
      expect(second.status).to.equal(200);
      expect(second.headers.get('idempotent-replayed')).to.equal('true');
      expect(second.body.replayed).to.equal(true);
      expect(second.body.subject).to.deep.equal(first.body.subject);
      expect(second.body.events).to.deep.equal(first.body.events);
      expect(await allEvents(app)).to.have.length(1);
    });

    it('records the key as the command id', async () => {
      await app.request('post', '/notes', { token: clerk, body: { title: 't' }, headers: { 'idempotency-key': 'open-2' } });
      const [event] = await allEvents(app);
      expect(event?.commandId).to.match(/^open-2#[0-9a-f]{16}$/);
    });

    it('refuses the same key with another body', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const path = `/notes/${opened.body.subject.noteId}/signatures`;
      await app.request('post', path, { token: head, body: { remark: 'first' }, headers: { 'idempotency-key': 'sign-1' } });
      const reused = await app.request('post', path, { token: head, body: { remark: 'second' }, headers: { 'idempotency-key': 'sign-1' } });
      expect(reused.status).to.equal(422);
      expect(reused.body.code).to.equal('command.idempotency-key-reused');
      expect(reused.body.errors).to.deep.equal([{ path: ['headers', 'Idempotency-Key'], message: 'Idempotency-Key sign-1 was used for another request' }]);
      expect(await allEvents(app)).to.have.length(2);
    });

    it('keeps one person’s key apart from another’s', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const path = `/notes/${opened.body.subject.noteId}/signatures`;
      const otherHead = await app.token({ roles: ['head'], personId: 'p-head-2' });
      await app.request('post', path, { token: head, body: { remark: 'r' }, headers: { 'idempotency-key': 'k' } });
      const second = await app.request('post', path, { token: otherHead, body: { remark: 'r' }, headers: { 'idempotency-key': 'k' } });
      expect(second.status).to.equal(201);
      expect(await allEvents(app)).to.have.length(3);
    });

    it('gives concurrent repeats one outcome', async () => {
      const request = { token: clerk, body: { title: 't' }, headers: { 'idempotency-key': 'race-1' } };
      const responses = await Promise.all(Array.from({ length: 8 }, () => app.request<{ subject: unknown }>('post', '/notes', request)));
      expect(responses.map((response) => response.status).sort()).to.deep.equal([200, 200, 200, 200, 200, 200, 200, 201]);
      expect(new Set(responses.map((response) => JSON.stringify(response.body.subject))).size).to.equal(1);
      expect(await allEvents(app)).to.have.length(1);
    });

    it('rejects a malformed key', async () => {
      const response = await app.request<{ errors: { path: unknown[] }[] }>('post', '/notes', {
        token: clerk,
        body: { title: 't' },
        headers: { 'idempotency-key': 'has space' },
      });
      expect(response.status).to.equal(400);
      expect(response.body.errors[0]?.path).to.deep.equal(['headers', 'Idempotency-Key']);
    });
  });

  describe('concurrent commands on one subject', () => {
    it('applies concurrent commands on one subject in turn, none refused', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const path = `/notes/${opened.body.subject.noteId}/signatures`;
      const responses = await Promise.all(Array.from({ length: 10 }, (_, index) => app.request('post', path, { token: head, body: { remark: `r${index}` } })));
      expect(responses.map((response) => response.status)).to.deep.equal(Array.from({ length: 10 }, () => 201));
      const versions = (await allEvents(app)).map((event) => event.streamVersion);
      expect(versions).to.deep.equal([1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11]);
    });
  });

  describe('operations', () => {
    it('answers /healthz and /readyz with the head position', async () => {
      expect((await app.request('get', '/healthz')).body).to.deep.equal({ status: 'ok' });
      await app.request('post', '/notes', { token: clerk, body: { title: 't' } });
      expect((await app.request('get', '/readyz')).body).to.deep.equal({ status: 'ready', headPosition: 1 });
    });

    it('serves an OpenAPI document generated from the route schemas', async () => {
      const response = await app.request<{ openapi: string; paths: Record<string, Record<string, { requestBody?: unknown; operationId: string }>> }>(
        'get',
        '/openapi.json',
      );
      expect(response.body.openapi).to.equal('3.1.0');
      expect(response.body.paths['/notes/{noteId}/signatures']?.post?.operationId).to.equal('signNote');
      expect(JSON.stringify(response.body.paths['/notes']?.post?.requestBody)).to.contain('"additionalProperties":false');
    });

    it('answers a text route as text/plain in UTF-8, declared so in the OpenAPI document, and its errors as problem+json', async () => {
      const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
      const noteId = opened.body.subject.noteId;
      const answer = await fetch(`${app.url}/notes/${noteId}/text`);
      expect(answer.status).to.equal(200);
      expect(answer.headers.get('content-type')).to.equal('text/plain; charset=utf-8');
      expect(await answer.text()).to.equal(`note ${noteId}\nsignatures 0\n`);
      const missing = await fetch(`${app.url}/notes/0193f0b4-7c1e-7b3a-9d2e-1a2b3c4d5e6f/text`);
      expect(missing.status).to.equal(404);
      expect(missing.headers.get('content-type')).to.match(/^application\/problem\+json/);
      const document = await app.request<{ paths: Record<string, { get?: { responses: Record<string, unknown> } }> }>('get', '/openapi.json');
      expect(document.body.paths['/notes/{noteId}/text']?.get?.responses['200']).to.deep.equal({
        description: 'the note id, then its number of signatures',
        content: { 'text/plain': { schema: { type: 'string' } } },
      });
      const command = document.body.paths['/notes'] as { post?: { responses: Record<string, { content?: object }> } };
      expect(Object.keys(command.post?.responses['201']?.content ?? {})).to.deep.equal(['application/json']);
    });

    it('serves the API explorer at /docs with its assets', async () => {
      const page = await fetch(`${app.url}/docs`);
      expect(await page.text()).to.contain('/openapi.json');
      const script = await fetch(`${app.url}/docs/assets/swagger-ui-bundle.js`);
      expect(script.status).to.equal(200);
    });
  });
});

describe('service-kit shutdown', () => {
  it('finishes a command in flight before the server closes', async () => {
    let release: () => void = () => undefined;
    const gate = new Promise<void>((resolve) => {
      release = resolve;
    });
    let arrived: () => void = () => undefined;
    const inHandler = new Promise<void>((resolve) => {
      arrived = resolve;
    });
    const app = await startTestApp([
      (deps) =>
        createNotesService({
          store: deps.store,
          beforeSign: async () => {
            arrived();
            await gate;
          },
        }),
    ]);
    const clerk = await app.token({ roles: ['clerk'] });
    const head = await app.token({ roles: ['head'] });
    const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
    const signing = app.request('post', `/notes/${opened.body.subject.noteId}/signatures`, { token: head, body: { remark: 'r' } });
    await inHandler;
    const closing = app.close();
    release();
    const response = await signing;
    await closing;
    expect(response.status).to.equal(201);
  });
});

describe('service-kit post holding', () => {
  let app: TestApp;
  const appointment = { personId: 'p-zhang', postId: 'post-director', unitId: 'unit-fgj' };

  async function record(type: string, data: Record<string, unknown>): Promise<void> {
    await app.store.appendToStream(`person-${appointment.personId}`, [proposedEvent({ type, data: { personId: appointment.personId, ...data } })]);
  }
  async function open(principal: { postId: string | null; unitId: string | null; personId?: string }) {
    const token = await app.token({ roles: ['clerk'], personId: appointment.personId, ...principal });
    return app.request('post', '/notes', { token, body: { title: 't' } });
  }

  beforeEach(async () => {
    app = await startTestApp([createNotesService], { checkPostHolding: true });
    await record('person.registered.v1', { name: '张三' });
    await record('person.appointed.v1', { postId: appointment.postId, unitId: appointment.unitId, appointedOn: '2017-01-01', basis: '尚组任〔2017〕1号' });
  });
  afterEach(() => app.close());

  it('lets a person act in the post they hold', async () => {
    expect((await open(appointment)).status).to.equal(201);
  });

  it('lets a token naming only a unit act when the person holds a post there', async () => {
    expect((await open({ postId: null, unitId: appointment.unitId })).status).to.equal(201);
  });

  it('refuses a token for a post the person was rotated out of, recording nothing', async () => {
    await record('person.removed.v1', { postId: appointment.postId, unitId: appointment.unitId, removedOn: '2019-01-01', reason: 'rotation', basis: '尚组任〔2019〕4号' });
    const response = await open(appointment);
    expect(response.status).to.equal(403);
    expect(response.body.code).to.equal('auth.post-not-held');
    expect(await allEvents(app)).to.have.length(3);
  });

  it('refuses a token of a retired person', async () => {
    await record('person.retired.v1', { retiredOn: '2020-01-01' });
    expect((await open(appointment)).status).to.equal(403);
  });

  it('refuses a token naming a unit the person has no post in, or a person the ledger does not know', async () => {
    expect((await open({ postId: appointment.postId, unitId: 'unit-other' })).status).to.equal(403);
    expect((await open({ personId: 'p-unknown', postId: null, unitId: appointment.unitId })).status).to.equal(403);
  });

  it('lets a token naming neither post nor unit act as the person alone', async () => {
    expect((await open({ personId: 'dev-admin', postId: null, unitId: null })).status).to.equal(201);
  });

  it('does not check reads', async () => {
    const token = await app.token({ roles: ['clerk'], personId: 'p-unknown', postId: 'post-x', unitId: 'unit-x' });
    expect((await app.request('get', '/notes/n-1', { token })).status).to.equal(404);
  });
});

describe('service-kit access audit', () => {
  let app: TestApp;
  let noteId: string;

  beforeEach(async () => {
    app = await startTestApp([createNotesService], { recordAccess: true });
    const clerk = await app.token({ roles: ['clerk'] });
    const opened = await app.request<{ subject: { noteId: string } }>('post', '/notes', { token: clerk, body: { title: 't' } });
    noteId = opened.body.subject.noteId;
  });
  afterEach(() => app.close());

  async function accessEvents(): Promise<RecordedEvent[]> {
    return (await allEvents(app)).filter((event) => event.type === 'access.queried.v1');
  }

  it('records a query of supervision, with who asked what, before answering', async () => {
    const supervision = await app.token({ roles: ['supervision'], personId: 'p-jw', unitId: 'unit-jw', postId: null });
    const response = await app.request('get', `/notes/${noteId}?verbose=true`, { token: supervision });
    expect(response.status).to.equal(200);
    const [event] = await accessEvents();
    expect(event?.streamId).to.equal('access-p-jw');
    expect(event?.data).to.deep.include({
      who: { personId: 'p-jw', postId: null, unitId: 'unit-jw', roles: ['supervision'] },
      what: { operationId: 'getNote', subject: `/notes/${noteId}`, parameters: { noteId, verbose: 'true' } },
    });
  });

  it('records judicial users and analysts, and neither the public nor clerks', async () => {
    for (const roles of [['court'], ['analyst'], ['clerk']] as const) {
      await app.request('get', `/notes/${noteId}`, { token: await app.token({ roles: [...roles] }) });
    }
    await app.request('get', `/notes/${noteId}`);
    expect((await accessEvents()).map((event) => (event.data as { who: { roles: string[] } }).who.roles)).to.deep.equal([['court'], ['analyst']]);
  });

  it('records nothing for commands', async () => {
    const supervision = await app.token({ roles: ['supervision', 'head'] });
    await app.request('post', `/notes/${noteId}/signatures`, { token: supervision, body: { remark: 'r' } });
    expect(await accessEvents()).to.have.length(0);
  });
});
