import type { RecordedEvent } from '@quanze/events';
import type { EventStore } from '@quanze/eventstore';
import { NotPermitted, SubjectNotFound, hasRole } from '@quanze/service-kit';
import type { Principal } from '@quanze/service-kit';
import { caseRegistry } from './case-commands.js';
import type { CaseCommands } from './case-commands.js';
import { caseDecider } from './case-decider.js';
import type { CaseEvent, CaseFile, CaseState, JudicialKind, TransferState } from './case-decider.js';

const JUDICIAL_KINDS: readonly JudicialKind[] = ['public-security', 'procuratorate', 'court'];

function judicialKindsOf(principal: Principal): JudicialKind[] {
  return JUDICIAL_KINDS.filter((kind) => principal.roles.includes(kind));
}

/** The judicial roles the caller acts in, for the decider's check that a transfer was sent to their unit. */
export function actingAs(principal: Principal | null): JudicialKind[] {
  return principal === null ? [] : judicialKindsOf(principal);
}

function wasSentTo(transfer: TransferState, principal: Principal): boolean {
  const kinds = judicialKindsOf(principal);
  return transfer.receivers.some((receiver) => receiver.unitId === principal.unitId && kinds.includes(receiver.kind));
}

/**
 * Who may read a case: the users of the handling unit, supervision (监察), every authority it was transferred or
 * forwarded to, and the procuratorate for any transferred case (its supervision of transfers, 310号 第14条).
 */
export function maySeeCase(principal: Principal | null, file: CaseFile): boolean {
  if (principal === null) return false;
  if (hasRole(principal, 'supervision')) return true;
  if (hasRole(principal, 'clerk', 'head', 'legal-reviewer') && principal.unitId === file.unitId) return true;
  if (hasRole(principal, 'procuratorate') && file.transfers.some((transfer) => transfer.transferred)) return true;
  return file.transfers.some((transfer) => wasSentTo(transfer, principal));
}

export interface CaseView {
  readonly case: CaseFile;
  readonly events: readonly (RecordedEvent & CaseEvent)[];
}

/**
 * A case and its history for a caller allowed to see it. Anyone else gets the 404 of a case that does not exist:
 * a court must not learn which cases were transferred elsewhere.
 */
export async function readCase(commands: CaseCommands, caseId: string, principal: Principal | null): Promise<CaseView> {
  const { state, events } = await commands.load(caseId);
  if (state.status === 'none' || !maySeeCase(principal, state)) throw new SubjectNotFound(`case ${caseId}`);
  return { case: state, events };
}

/**
 * 公示: what the public sees of a published decision. The party appears by kind; an organisation also by name,
 * a citizen (natural person, individual business) never. Officers, evidence and the file's title stay internal:
 * the clerk's published summary is written for the public.
 */
export async function readPublication(commands: CaseCommands, caseId: string) {
  const { state } = await commands.load(caseId);
  if (state.status === 'none' || state.decision === null || state.publication?.status !== 'published') {
    throw new SubjectNotFound(`publication of case ${caseId}`);
  }
  const { party, decision, publication } = state;
  const organisation = party.kind === 'legal-person' || party.kind === 'other-organization';
  return {
    caseId: state.caseId,
    unitId: state.unitId,
    enforcementKind: state.enforcementKind,
    party: organisation && party.name !== null ? { kind: party.kind, name: party.name } : { kind: party.kind },
    decision: {
      decisionNumber: decision.decisionNumber,
      outcome: decision.outcome,
      penalties: decision.penalties,
      legalBasis: decision.legalBasis,
      decidedOn: decision.decidedOn,
    },
    decisionChange: state.decisionChange,
    publication: {
      publishedOn: publication.publishedOn,
      channel: publication.channel,
      reference: publication.reference,
      summary: publication.summary,
    },
  };
}

export interface TransferListItem extends TransferState {
  readonly caseId: string;
  readonly fromUnitId: string;
}

/**
 * GET /transfers. A scan of the whole log, folding every case stream: acceptable while the ledger is small, to be
 * replaced by the transfers read model (packages/projections). Supervision sees every transfer, reported ones too;
 * the procuratorate every transfer sent (立案监督, 310号 第14条); public security and courts those sent or
 * forwarded to their own unit. `authority` narrows to one receiving unit.
 */
export async function listTransfers(
  store: EventStore,
  principal: Principal | null,
  authority: string | undefined,
): Promise<TransferListItem[]> {
  if (principal === null) throw new NotPermitted('transfers are for judicial authorities and supervision');
  const seesAll = hasRole(principal, 'supervision', 'procuratorate');
  if (!seesAll && authority !== undefined && authority !== principal.unitId) {
    throw new NotPermitted('you see the transfers to your own authority only');
  }
  const states = new Map<string, CaseState>();
  for await (const recorded of store.readAll()) {
    if (!recorded.streamId.startsWith('case-') || !caseRegistry.has(recorded.type)) continue;
    const event = caseRegistry.parse(recorded) as RecordedEvent & CaseEvent;
    states.set(recorded.streamId, caseDecider.evolve(states.get(recorded.streamId) ?? caseDecider.initialState, event));
  }
  const items: TransferListItem[] = [];
  for (const state of states.values()) {
    if (state.status === 'none') continue;
    for (const transfer of state.transfers) {
      const visible = hasRole(principal, 'supervision')
        ? true
        : transfer.transferred && (hasRole(principal, 'procuratorate') || wasSentTo(transfer, principal));
      const matches = authority === undefined || transfer.receivers.some((receiver) => receiver.unitId === authority);
      if (visible && matches) items.push({ caseId: state.caseId, fromUnitId: state.unitId, ...transfer });
    }
  }
  return items;
}
