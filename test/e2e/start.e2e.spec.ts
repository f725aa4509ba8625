import { expect } from 'chai';
import type { Browser } from 'playwright-core';
import { launchBrowser } from '../support/browser.js';
import { startSystem } from '../support/system.js';
import type { RunningSystem } from '../support/system.js';

async function getJson<T>(url: string, token?: string): Promise<{ status: number; body: T }> {
  const response = await fetch(url, token === undefined ? {} : { headers: { authorization: `Bearer ${token}` } });
  return { status: response.status, body: (await response.json()) as T };
}

interface Measures {
  measures: { measureId: string; section: string; number: number; headline: string; leadUnitIds: string[] }[];
}
interface Units {
  units: { unitId: string; name: string; code: string | null; kind: string }[];
}

describe('npm start', function () {
  this.timeout(120_000);
  let system: RunningSystem;

  before(async function () {
    system = await startSystem();
  });
  after(async function () {
    await system.dispose();
  });

  it('seeds the action plan: its measures with their responsible units, and every unit it names', async function () {
    const { body: measures } = await getJson<Measures>(`${system.url}/measures`);
    const { body: units } = await getJson<Units>(`${system.url}/units`);
    expect(measures.measures).to.have.length(22);
    expect(measures.measures.every((measure) => measure.leadUnitIds.length > 0)).to.equal(true);
    const decisionMaking = measures.measures.find((measure) => measure.section === '(三)' && measure.number === 1);
    expect(decisionMaking?.headline).to.equal('完善并落实依法决策机制');
    expect(units.units.find((unit) => unit.unitId === 'sz-zhengfu')).to.deep.include({ name: '尚志市人民政府', code: '尚政', kind: 'government' });
    expect(units.units.find((unit) => unit.unitId === 'sz-gonganju')?.kind).to.equal('public-security');
  });

  it('prints an admin token that the services accept', async function () {
    const response = await fetch(`${system.url}/persons`, {
      method: 'POST',
      headers: { authorization: `Bearer ${system.adminToken}`, 'content-type': 'application/json' },
      body: JSON.stringify({ name: '张三' }),
    });
    expect(response.status, await response.clone().text()).to.equal(201);
  });

  it('serves the API explorer and the OpenAPI document of every service', async function () {
    const { body } = await getJson<{ tags: { name: string }[]; paths: Record<string, unknown> }>(`${system.url}/openapi.json`);
    expect(body.tags.map((tag) => tag.name)).to.include.members(['organization', 'decisions', 'documents', 'enforcement', 'accountability']);
    expect(Object.keys(body.paths)).to.include.members(['/measures', '/decisions', '/documents', '/cases']);
    expect((await fetch(`${system.url}/docs`)).status).to.equal(200);
  });

  it('stops cleanly on SIGTERM and, started again on the same data, seeds nothing twice', async function () {
    const { body: before } = await getJson<{ headPosition: number }>(`${system.url}/readyz`);
    expect(await system.stop()).to.equal(0);
    const again = await startSystem({ dataFolder: system.dataFolder });
    try {
      const { body: after } = await getJson<{ headPosition: number }>(`${again.url}/readyz`);
      expect(after.headPosition).to.equal(before.headPosition);
      const check = await fetch(`${again.url}/persons/nobody`, { headers: { authorization: `Bearer ${system.adminToken}` } });
      expect(check.status, 'the first start’s token is still valid: the key was kept').to.equal(404);
    } finally {
      expect(await again.stop()).to.equal(0);
    }
    system = await startSystem({ dataFolder: system.dataFolder });
  });
});

describe('the web UI', function () {
  this.timeout(120_000);
  let system: RunningSystem | undefined;
  let browser: Browser | undefined;

  before(async function () {
    browser = await launchBrowser(this);
    system = await startSystem();
  });
  after(async function () {
    await browser?.close();
    await system?.dispose();
  });

  async function openPage() {
    if (browser === undefined || system === undefined) throw new Error('the browser or the system did not start');
    const page = await browser.newPage();
    await page.goto(system.url);
    return { page, system };
  }

  it('shows the public every measure with its responsible units, and filters them by unit', async function () {
    const { page } = await openPage();
    await page.locator('#measure-table tbody tr').nth(21).waitFor();
    expect(await page.locator('#measure-table tbody tr').count()).to.equal(22);
    const sections = (await page.locator('#measure-table tbody tr td:first-child').allTextContents()).map((text) => text.slice(0, 3));
    expect([...new Set(sections)], 'sections in the plan’s order').to.deep.equal(['(一)', '(二)', '(三)', '(四)']);
    expect(await page.locator('#who').textContent()).to.equal('public');

    await page.fill('#measure-filter', '市公安局');
    const rows = page.locator('#measure-table tbody tr');
    const texts = await rows.allTextContents();
    expect(texts.length).to.be.greaterThan(0).and.lessThan(22);
    expect(texts.every((text) => text.includes('市公安局'))).to.equal(true);
  });

  it('signs in with a token and looks a unit up by id', async function () {
    const { page, system } = await openPage();
    await page.fill('#token', system.adminToken);
    await page.click('#sign-in button');
    await page.locator('#who', { hasText: 'admin' }).waitFor();

    await page.click('nav button[data-tab="lookup"]');
    await page.selectOption('#lookup-kind', 'units');
    await page.fill('#lookup-id', 'sz-gonganju');
    await page.click('#lookup-form button');
    await page.locator('#lookup-result', { hasText: '市公安局' }).waitFor();
  });

  it('traces a measure’s responsibility chain for the supervision bureau', async function () {
    const { page, system } = await openPage();
    await page.fill('#token', system.adminToken);
    await page.click('#sign-in button');
    await page.locator('#who', { hasText: 'supervision' }).waitFor();
    await page.click('nav button[data-tab="accountability"]');
    await page.selectOption('#chain-kind', 'measure');
    await page.fill('#chain-id', 'ap2016-s3-m1');
    await page.click('#chain-form button');
    await page.locator('#accountability-table tbody tr', { hasText: 'responsibility.assigned.v1' }).waitFor();
    const steps = await page.locator('#accountability-table tbody tr td:nth-child(2)').allTextContents();
    expect(steps).to.include.members(['measure.defined.v1', 'responsibility.assigned.v1']);
  });

  it('says what went wrong when a look-up fails', async function () {
    const { page } = await openPage();
    await page.click('nav button[data-tab="lookup"]');
    await page.selectOption('#lookup-kind', 'persons');
    await page.fill('#lookup-id', 'nobody');
    await page.click('#lookup-form button');
    await page.locator('#error').waitFor({ state: 'visible' });
    expect(await page.locator('#error').textContent()).to.contain('auth.token-required');
  });
});
