import { expect } from 'chai';
import { createAccessRecorder, createAccountabilityService, accountabilityProjections } from '@quanze/accountability';
import type { AccountabilityDeps } from '@quanze/accountability';
import { createDecisionsService } from '@quanze/decisions';
import { createDocumentsService } from '@quanze/documents';
import { createEnforcementService } from '@quanze/enforcement';
import type { EventStore } from '@quanze/eventstore';
import { createOrganizationService } from '@quanze/organization';
import { createProjectionRunner, openSqliteReadModelStore } from '@quanze/projections';
import type { ProjectionRunner, ReadModelStore } from '@quanze/projections';
import type { ServiceModule } from '@quanze/service-kit';
import { startTestApp } from '../../support/http.js';
import type { ServiceFactory, TestApp, TestResponse } from '../../support/http.js';

export interface ReadModelsUnderTest {
  readonly store: ReadModelStore;
  readonly runner: ProjectionRunner;
}

export interface AccountabilityTestApp {
  readonly app: TestApp;
  readonly service: ServiceModule;
  readonly readModels: ReadModelsUnderTest;
  /** Resolves once the read models hold every event the store holds now. */
  settle(): Promise<void>;
  close(): Promise<void>;
}

/**
 * The accountability service beside the given domain services, on one test server and store, with its read models in
 * an in-memory database followed live by a started runner. `recordAccessStore` lets a spec hand the access recorder
 * another store (one whose appends fail).
 */
export async function startAccountabilityApp(
  others: readonly ServiceFactory[],
  options: { clock?: () => Date; recordAccessStore?: (store: EventStore) => EventStore; integrity?: AccountabilityDeps['integrity'] } = {},
): Promise<AccountabilityTestApp> {
  const opened: { readModels?: ReadModelsUnderTest; started?: Promise<void> } = {};
  const accountability: ServiceFactory = ({ store, clock }) => {
    const readModels = openSqliteReadModelStore(':memory:');
    const runner = createProjectionRunner({ store, readModels, projections: accountabilityProjections });
    opened.readModels = { store: readModels, runner };
    opened.started = runner.start();
    const now = clock ?? (() => new Date());
    const deps: AccountabilityDeps = {
      store,
      readModels,
      runner,
      clock: now,
      recordAccess: createAccessRecorder(options.recordAccessStore?.(store) ?? store, now),
      ...(options.integrity === undefined ? {} : { integrity: options.integrity }),
    };
    return createAccountabilityService(deps);
  };
  const app = await startTestApp([...others, accountability], options.clock === undefined ? {} : { clock: options.clock });
  const { readModels, started } = opened;
  if (readModels === undefined || started === undefined) throw new Error('the accountability factory did not run');
  await started;
  const service = app.services.at(-1);
  if (service === undefined) throw new Error('no accountability service');
  return {
    app,
    service,
    readModels,
    async settle() {
      await readModels.runner.waitFor(await app.store.headPosition(), 5_000);
    },
    async close() {
      await readModels.runner.stop();
      await app.close();
      await readModels.store.close();
    },
  };
}

/** Every domain service of the ledger, as `npm start` runs them. */
export const domainServices: readonly ServiceFactory[] = [
  createOrganizationService,
  createDecisionsService,
  createDocumentsService,
  createEnforcementService,
];

export interface CommandBody {
  readonly subject?: Readonly<Record<string, string>>;
  readonly events: readonly { readonly type: string; readonly position: number }[];
}

export interface Problem {
  readonly status: number;
  readonly code: string;
  readonly errors?: readonly { readonly path: readonly (string | number)[]; readonly message: string }[];
}

export const hash = (character: string) => character.repeat(64);

/** POSTs and expects 201; answers the body (with the subject's ids). */
export async function created(app: TestApp, path: string, token: string, body: unknown): Promise<CommandBody> {
  const response = await app.request<CommandBody>('post', path, { token, body });
  expect(response.status, `POST ${path}: ${JSON.stringify(response.body)}`).to.equal(201);
  return response.body;
}

export function subjectId(body: CommandBody, name: string): string {
  const id = body.subject?.[name];
  if (id === undefined) throw new Error(`the command answered no ${name}`);
  return id;
}

export async function get<TBody = Record<string, unknown>>(app: TestApp, path: string, token: string | null): Promise<TestResponse<TBody>> {
  return app.request<TBody>('get', path, { token });
}

/** The organisation through services/organization, as an administrator records it. */
export function organization(app: TestApp, admin: string) {
  return {
    async unit(name: string, kind: string, code: string | null = null): Promise<string> {
      return subjectId(await created(app, '/units', admin, { name, code, kind, establishedOn: '2016-01-01' }), 'unitId');
    },
    async person(name: string): Promise<string> {
      return subjectId(await created(app, '/persons', admin, { name }), 'personId');
    },
    /** A registered officer with an enforcement certificate (持证上岗) of `issuingUnitId`. */
    async officer(name: string, issuingUnitId: string): Promise<{ personId: string; certificateId: string }> {
      const personId = await this.person(name);
      const certified = await created(app, `/persons/${personId}/certifications`, admin, {
        scope: '市场监管',
        issuingUnitId,
        validFrom: '2024-01-01',
        validUntil: '2028-12-31',
      });
      return { personId, certificateId: subjectId(certified, 'certificateId') };
    },
  };
}

export const transferMaterials = [
  { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: hash('1') },
  { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: hash('2') },
  { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: hash('3') },
];
