import { z } from 'zod';
import { createEventRegistry, defineEvent, Id, Text } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import {
  DomainError,
  SubjectNotFound,
  accepted,
  createCommandHandler,
  defineRoute,
  ok,
  text,
} from '@quanze/service-kit';
import type { Decider, DomainEventOf, ErrorStatuses, ServiceModule } from '@quanze/service-kit';

/** A minimal domain for testing the kit: notes that can be opened, signed by a head, and sealed. */
export const noteOpened = defineEvent('note.opened.v1', z.object({ noteId: Id, title: Text(100) }));
export const noteSigned = defineEvent('note.signed.v1', z.object({ noteId: Id, signedBy: Id, remark: Text(100) }));
export const noteRegistry = createEventRegistry({ events: [noteOpened, noteSigned] });
type NoteEvent = DomainEventOf<typeof noteOpened | typeof noteSigned>;

export class NoteAlreadyOpened extends DomainError {
  readonly code = 'note.already-opened';
}
export class SignatureWithoutRemark extends DomainError {
  readonly code = 'note.signature-needs-remark';
  constructor() {
    super('a signature needs a remark', [['remark']], '测试条例 第1条');
  }
}
/** Deliberately missing from the status table: the app must answer 500 and log it, not guess. */
export class UnmappedProblem extends DomainError {
  readonly code = 'note.unmapped';
}

export type NoteCommand =
  | { kind: 'open'; noteId: string; title: string }
  | { kind: 'sign'; noteId: string; remark: string; signedBy: string };
interface NoteState {
  readonly opened: boolean;
  readonly signatures: number;
}

export const noteDecider: Decider<NoteCommand, NoteState, NoteEvent> = {
  initialState: { opened: false, signatures: 0 },
  decide(command, state, context) {
    switch (command.kind) {
      case 'open':
        if (state.opened) throw new NoteAlreadyOpened('the note is already open');
        if (command.title === 'unmapped') throw new UnmappedProblem('no status for this');
        return [{ type: 'note.opened.v1', data: { noteId: command.noteId, title: command.title } }];
      case 'sign':
        if (!state.opened) throw new SubjectNotFound(`note ${command.noteId}`);
        if (command.remark === '-') throw new SignatureWithoutRemark();
        return [{ type: 'note.signed.v1', data: { noteId: command.noteId, signedBy: context.actor.personId, remark: command.remark } }];
    }
  },
  evolve(state, event) {
    switch (event.type) {
      case 'note.opened.v1':
        return { ...state, opened: true };
      case 'note.signed.v1':
        return { ...state, signatures: state.signatures + 1 };
    }
  },
};

const errorStatuses: ErrorStatuses<NoteAlreadyOpened | SignatureWithoutRemark> = {
  'note.already-opened': 409,
  'note.signature-needs-remark': 422,
};

export const NoteParams = z.object({ noteId: Id });
export const OpenNote = z.object({ title: Text(100), pages: z.number().int().positive().optional() }).strict();
export const SignNote = z.object({ remark: z.string().min(1).max(100) }).strict();

export function createNotesService(deps: { store: EventStore; beforeSign?: () => Promise<void> }): ServiceModule {
  const handler = createCommandHandler({ store: deps.store, registry: noteRegistry, decider: noteDecider });
  return {
    name: 'notes',
    description: 'a test domain',
    errorStatuses,
    routes: [
      defineRoute({
        method: 'post',
        path: '/notes',
        operationId: 'openNote',
        summary: 'Open a note',
        kind: 'command',
        allow: ['clerk', 'head'],
        body: OpenNote,
        async handle({ body, meta, newSubjectId }) {
          const noteId = newSubjectId();
          const outcome = await handler.handle(`note-${noteId}`, { kind: 'open', noteId, title: body.title }, meta);
          return accepted(outcome, { noteId });
        },
      }),
      defineRoute({
        method: 'post',
        path: '/notes/:noteId/signatures',
        operationId: 'signNote',
        summary: 'Sign a note',
        kind: 'command',
        allow: ['head'],
        params: NoteParams,
        body: SignNote,
        async handle({ params, body, meta }) {
          await deps.beforeSign?.();
          const outcome = await handler.handle(
            `note-${params.noteId}`,
            { kind: 'sign', noteId: params.noteId, remark: body.remark, signedBy: meta.actor.personId },
            meta,
          );
          return accepted(outcome);
        },
      }),
      defineRoute({
        method: 'get',
        path: '/notes/:noteId',
        operationId: 'getNote',
        summary: 'A note',
        kind: 'query',
        allow: ['public'],
        params: NoteParams,
        query: z.object({ verbose: z.enum(['true', 'false']).optional() }),
        async handle({ params }) {
          const loaded = await handler.load(`note-${params.noteId}`);
          if (!loaded.state.opened) throw new SubjectNotFound(`note ${params.noteId}`);
          return ok({ noteId: params.noteId, ...loaded.state });
        },
      }),
      defineRoute({
        method: 'get',
        path: '/notes/:noteId/text',
        operationId: 'getNoteText',
        summary: 'A note as plain text',
        kind: 'query',
        allow: ['public'],
        params: NoteParams,
        textResponse: { description: 'the note id, then its number of signatures' },
        async handle({ params }) {
          const loaded = await handler.load(`note-${params.noteId}`);
          if (!loaded.state.opened) throw new SubjectNotFound(`note ${params.noteId}`);
          return text(`note ${params.noteId}\nsignatures ${loaded.state.signatures}\n`);
        },
      }),
    ],
  };
}
