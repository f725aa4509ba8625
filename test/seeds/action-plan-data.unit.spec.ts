import { readFile } from 'node:fs/promises';
import { expect } from 'chai';
import { Id, UnitCode, UnitKind } from '@quanze/events';
import { SEED_DATA_FOLDER, SEED_FILES, readActionPlanSeeds } from '@quanze/seeds';
import type { ActionPlanSeeds, SeedMeasure } from '@quanze/seeds';
import { parseActionPlan, readSource, renderSeedFiles } from '../../seeds/scripts/parse-action-plan.js';

// The committed seed files are what users see: these specs pin them to the source text.

/** Counted by hand in the source: measures with their own (or a shared) 责任单位, per section. */
const MEASURES_PER_SECTION = { '(一)': 7, '(二)': 3, '(三)': 6, '(四)': 6 } as const;

function measure(seeds: ActionPlanSeeds, clause: string): SeedMeasure {
  const found = seeds.measures.find((candidate) => candidate.clause === clause);
  if (found === undefined) throw new Error(`no measure ${clause}`);
  return found;
}

describe('the action plan seed data', function () {
  let seeds: ActionPlanSeeds;

  before(async function () {
    seeds = await readActionPlanSeeds();
  });

  describe('the parser', function () {
    it('writes the committed files again, byte for byte', async function () {
      const rendered = renderSeedFiles(parseActionPlan(await readSource()));
      for (const name of Object.values(SEED_FILES)) {
        const committed = await readFile(new URL(name, SEED_DATA_FOLDER), 'utf8');
        expect(rendered[name], name).to.equal(committed);
      }
    });

    it('records the digest of the source it read', async function () {
      const { createHash } = await import('node:crypto');
      expect(seeds.plan.source.sha256).to.equal(createHash('sha256').update(await readSource()).digest('hex'));
    });
  });

  describe('the plan', function () {
    it('is the 2016-2020 action plan of 尚志市, in its draft for comments', function () {
      expect(seeds.plan.title).to.equal('尚志市法治政府建设行动方案(2016-2020年)');
      expect(seeds.plan.status).to.equal('征求意见稿');
      expect(seeds.plan.period).to.include({ from: '2016-01-01', to: '2020-12-31' });
      expect(seeds.plan.issuedBy).to.include({ unitId: 'sz-zhengfu', stated: false });
    });

    it('says that the source breaks off in (四)7', function () {
      expect(seeds.plan.truncated).to.include({ clause: '(四)7', title: '加强行政执法保障' });
      expect(seeds.measures.map((candidate) => candidate.clause)).not.to.include('(四)7');
    });
  });

  describe('the sections', function () {
    it('are (一) to (四) of part two, with their titles', function () {
      expect(seeds.sections.map((section) => [section.label, section.title])).to.deep.equal([
        ['(一)', '深化行政管理体制改革,促进政府职能彻底转变'],
        ['(二)', '完善依法行政制度体系,提高政府规范性文件质量'],
        ['(三)', '健全行政决策机制,推进行政决策科学化、民主化、法治化'],
        ['(四)', '进一步理顺行政执法体制,规范行政执法行为'],
      ]);
    });

    it('have as many measures as the text, numbered from 1 without a gap', function () {
      for (const section of seeds.sections) {
        const numbers = seeds.measures.filter((candidate) => candidate.sectionId === section.id).map((candidate) => candidate.number);
        const expected = MEASURES_PER_SECTION[section.label as keyof typeof MEASURES_PER_SECTION];
        expect(section.measureCount, section.label).to.equal(expected);
        expect(numbers, section.label).to.deep.equal(Array.from({ length: expected }, (_, index) => index + 1));
      }
      expect(seeds.measures).to.have.length(22);
    });

    it('are complete but for the one the source breaks off in', function () {
      expect(seeds.sections.filter((section) => !section.complete).map((section) => section.label)).to.deep.equal(['(四)']);
    });
  });

  describe('the measures', function () {
    it('each have at least one lead unit', function () {
      for (const candidate of seeds.measures) expect(candidate.responsibility.leadUnitIds, candidate.clause).not.to.be.empty;
    });

    it('name only units of units.json', function () {
      const units = new Set(seeds.units.map((unit) => unit.id));
      for (const candidate of seeds.measures) {
        const named = [...candidate.responsibility.leadUnitIds, ...candidate.responsibility.cooperatingUnitIds];
        expect(named.filter((unit) => !units.has(unit)), candidate.clause).to.be.empty;
      }
    });

    it('keep neither page nor line numbers nor spaces of the PDF in their text', function () {
      for (const candidate of seeds.measures) {
        expect(candidate.text, candidate.clause).not.to.match(/\s/);
        expect(candidate.text, candidate.clause).not.to.match(/\d、/);
        expect(candidate.text, candidate.clause).not.to.include('责任单位');
        expect(candidate.text.startsWith(candidate.title), candidate.clause).to.equal(true);
      }
    });

    it('give the document numbers the extract garbled as the plan printed them', function () {
      expect(measure(seeds, '(三)1').text).to.include('(尚政办发〔2015〕8号)');
      expect(measure(seeds, '(三)5').text).to.include('(尚政办发〔2015〕9号)');
    });

    it('read "牵头" and "配合" as lead and cooperating units', function () {
      expect(measure(seeds, '(一)4').responsibility).to.deep.include({
        convention: 'lead-and-cooperating',
        leadUnitIds: ['sz-shichang-jiandu-guanliju', 'sz-shangwuban', 'sz-fagaiju', 'sz-gongxinju'],
        cooperatingUnitIds: ['sz-shizhi-ge-youguan-bumen'],
      });
    });

    it('read a plain list as joint leads, in the order of the text', function () {
      expect(measure(seeds, '(四)2').responsibility).to.deep.include({
        convention: 'joint',
        leadUnitIds: ['sz-bianban', 'sz-caizhengju', 'sz-guihua-jianshe-guanliju', 'sz-shiwei-zhengfawei', 'sz-jiwei', 'sz-fayuan', 'sz-jianchayuan'],
        cooperatingUnitIds: [],
      });
      expect(seeds.measures.filter((candidate) => candidate.responsibility.convention === 'lead-and-cooperating')).to.have.length(1);
    });

    it('read "A等B" as A and the collective B', function () {
      expect(measure(seeds, '(四)4').responsibility.leadUnitIds).to.deep.equal([
        'sz-zhengfu-bangongshi',
        'sz-fazhiban',
        'sz-shichang-jiandu-guanliju',
        'sz-shizhi-ge-youguan-bumen',
      ]);
    });

    it('give (二)2, which has no 责任单位 of its own, those stated after (二)3', function () {
      const shared = measure(seeds, '(二)2').responsibility;
      expect(shared.statedIn).to.equal('(二)3');
      expect(shared.leadUnitIds).to.deep.equal(measure(seeds, '(二)3').responsibility.leadUnitIds);
      expect(shared.leadUnitIds).to.deep.equal(measure(seeds, '(二)1').responsibility.leadUnitIds);
      const ownLists = seeds.measures.filter((candidate) => candidate.responsibility.statedIn === candidate.clause);
      expect(ownLists).to.have.length(21);
    });
  });

  describe('the units', function () {
    it('have unique ids that the ledger accepts', function () {
      const ids = seeds.units.map((unit) => unit.id);
      expect(new Set(ids).size).to.equal(ids.length);
      for (const id of [...ids, ...seeds.measures.map((candidate) => candidate.id), ...seeds.sections.map((section) => section.id)]) {
        expect(Id.safeParse(id).success, id).to.equal(true);
      }
      const measureIds = seeds.measures.map((candidate) => candidate.id);
      expect(new Set(measureIds).size).to.equal(measureIds.length);
    });

    it('have unique names and aliases', function () {
      const names = seeds.units.flatMap((unit) => [unit.name, ...unit.aliases]);
      expect(new Set(names).size).to.equal(names.length);
    });

    it('have kinds and codes the ledger accepts', function () {
      for (const unit of seeds.units) {
        expect(UnitKind.safeParse(unit.kind).success, unit.id).to.equal(true);
        if (unit.code !== null) expect(UnitCode.safeParse(unit.code).success, unit.id).to.equal(true);
      }
    });

    it('have codes only where the text shows one: 尚政 and 尚政办', function () {
      const coded = seeds.units.filter((unit) => unit.code !== null).map((unit) => [unit.id, unit.code]);
      expect(coded).to.deep.equal([
        ['sz-zhengfu', '尚政'],
        ['sz-zhengfu-bangongshi', '尚政办'],
      ]);
    });

    it('come after their parent, which is a unit', function () {
      const seen = new Set<string>();
      for (const unit of seeds.units) {
        if (unit.parentUnitId !== null) expect(seen.has(unit.parentUnitId), unit.id).to.equal(true);
        seen.add(unit.id);
      }
    });

    it('are each found in the text, or say why they were added', function () {
      for (const unit of seeds.units) {
        if (unit.source === 'text') expect(unit.foundIn, unit.id).not.to.be.empty;
        else expect(unit.source, unit.id).to.match(/^added: /);
      }
    });

    it('include every unit a measure names, found in its responsibility', function () {
      for (const candidate of seeds.measures) {
        for (const unitId of [...candidate.responsibility.leadUnitIds, ...candidate.responsibility.cooperatingUnitIds]) {
          const unit = seeds.units.find((other) => other.id === unitId);
          const where = unit?.foundIn.filter((location) => location.clause === candidate.responsibility.statedIn && location.in === 'responsibility');
          expect(where, `${unitId} in ${candidate.clause}`).not.to.be.empty;
        }
      }
    });

    it('include the court, the procuratorate and public security, as the text names them', function () {
      const judicial = seeds.units
        .filter((unit) => ['court', 'procuratorate', 'public-security'].includes(unit.kind))
        .map((unit) => [unit.id, unit.name, unit.kind, unit.source]);
      expect(judicial).to.have.deep.members([
        ['sz-fayuan', '市法院', 'court', 'text'],
        ['sz-jianchayuan', '市检察院', 'procuratorate', 'text'],
        ['sz-gonganju', '市公安局', 'public-security', 'text'],
      ]);
    });

    it('merge the names the text uses for one body', function () {
      const zhengfawei = seeds.units.find((unit) => unit.id === 'sz-shiwei-zhengfawei');
      expect(zhengfawei?.foundIn.map((location) => [location.clause, location.form])).to.deep.equal([
        ['(三)3', '市政法委'],
        ['(四)2', '市委政法委'],
      ]);
    });

    it('do not take the 市政府 of 哈尔滨市委市政府 for the city government', function () {
      const city = seeds.units.find((unit) => unit.id === 'sz-zhengfu');
      expect(city?.foundIn.map((location) => location.clause)).to.deep.equal(['(二)2', '(三)1', '(三)5']);
      const harbin = seeds.units.find((unit) => unit.id === 'heb-shizhengfu');
      expect(harbin?.foundIn.map((location) => location.form)).to.deep.equal(['哈尔滨市委市政府']);
    });
  });
});
