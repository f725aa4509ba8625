import { expect } from 'chai';
import {
  SourceTextError,
  cleanSource,
  parseActionPlan,
  parseResponsibility,
  readSource,
} from '../../seeds/scripts/parse-action-plan.js';

// The parser asserts what it assumes of the text, so that a changed source fails instead of giving wrong data.

describe('the action plan parser', function () {
  let source: string;

  before(async function () {
    source = await readSource();
  });

  describe('cleaning the extract', function () {
    it('drops line prefixes, page numbers and spaces, keeping the source line of each character', function () {
      const { cleaned, pageCount } = cleanSource('1、 1 甲乙 (丙)\n2、丁 2 戊20158 号\n', []);
      expect(cleaned.text).to.equal('甲乙(丙)丁戊20158号');
      expect(cleaned.lines).to.deep.equal([...Array<number>('甲乙(丙)'.length).fill(1), ...Array<number>('丁戊20158号'.length).fill(2)]);
      expect(pageCount).to.equal(2);
    });

    it('refuses a line without its "N、" prefix', function () {
      expect(() => cleanSource('1、甲\n乙\n', [])).to.throw(SourceTextError, 'line 2');
    });

    it('refuses page numbers out of order', function () {
      expect(() => cleanSource('1、 1 甲 3 乙\n', [])).to.throw(SourceTextError, 'page number 2');
    });

    it('refuses a space that separates numbers', function () {
      expect(() => cleanSource('1、 1 甲 2016 2020 乙\n', [])).to.throw(SourceTextError, 'space');
    });
  });

  describe('reading 责任单位', function () {
    it('takes a plain list as joint leads', function () {
      expect(parseResponsibility('市发改局、市编办,市政府法制办', '(x)1')).to.deep.equal({
        convention: 'joint',
        leadUnitIds: ['sz-fagaiju', 'sz-bianban', 'sz-fazhiban'],
        cooperatingUnitIds: [],
      });
    });

    it('takes 牵头 and 配合 as they say', function () {
      expect(parseResponsibility('市司法局牵头,市直各部门、各乡(镇)政府配合', '(x)1')).to.deep.equal({
        convention: 'lead-and-cooperating',
        leadUnitIds: ['sz-sifaju'],
        cooperatingUnitIds: ['sz-shizhi-ge-bumen', 'sz-ge-xiangzhen-zhengfu'],
      });
    });

    it('refuses a name that is in no entry of the unit table', function () {
      expect(() => parseResponsibility('市发改局、市旅游局', '(x)1')).to.throw(SourceTextError, '市旅游局');
    });

    it('refuses a part that says neither 牵头 nor 配合 beside one that does', function () {
      expect(() => parseResponsibility('市司法局牵头,市民政局', '(x)1')).to.throw(SourceTextError, '市民政局');
    });

    it('refuses a list with no lead', function () {
      expect(() => parseResponsibility('市直各部门配合', '(x)1')).to.throw(SourceTextError, 'no lead');
    });

    it('refuses a unit named twice', function () {
      expect(() => parseResponsibility('市发改局、市发改局', '(x)1')).to.throw(SourceTextError, 'twice');
    });
  });

  describe('reading the structure', function () {
    it('refuses a measure without 责任单位 that no correction covers', function () {
      const withoutOne = source.replace('(责任单位:市发改局、市财政局、市工信局', '(市发改局、市财政局、市工信局');
      expect(withoutOne).not.to.equal(source);
      expect(() => parseActionPlan(withoutOne)).to.throw(SourceTextError, '(一)3 has no (责任单位:…) of its own');
    });

    it('refuses a unit of the table that the text does not name', function () {
      const withoutOne = source.replace('市行政服务中心', '市审计局');
      expect(() => parseActionPlan(withoutOne)).to.throw(SourceTextError, 'sz-xingzheng-fuwu-zhongxin');
    });

    it('refuses a hand correction that no longer matches', function () {
      const corrected = source.replace('尚政办发20158 号', '尚政办发〔2015〕8号');
      expect(() => parseActionPlan(corrected)).to.throw(SourceTextError, '尚政办发20158号');
    });
  });
});
