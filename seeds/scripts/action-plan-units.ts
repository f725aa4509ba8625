import type { SeedUnitKind } from '../src/seed-data.js';

/**
 * Every unit the action plan names, written by hand: ids, kinds and parents cannot be read from the text, and
 * ids must never change once loaded (they are stream names: `unit-<id>`). The parser checks this table against
 * the text both ways: every name in a 责任单位 list must be here, and every unit here must be found in the text
 * (or say why it was added).
 *
 * Ids: `sz-` for 尚志市 bodies, `hlj-` for 黑龙江省, `heb-` for 哈尔滨市; then the pinyin of the name as the text
 * abbreviates it (市发改局 → sz-fagaiju), words joined by "-" where that reads better.
 */
export interface UnitEntry {
  readonly id: string;
  readonly name: string;
  /** Other forms of the name in the text; the parser matches these too. */
  readonly aliases?: readonly string[];
  readonly kind: SeedUnitKind;
  readonly code?: { readonly code: string; readonly source: string };
  readonly parentUnitId?: string;
  readonly note?: string;
  /** `added: <why>`, for a unit the ledger needs and the text does not name. */
  readonly added?: string;
}

const CITY = 'sz-zhengfu';

/** Order: the city government, its departments as the 责任单位 lists first name them, then the other bodies. */
export const UNIT_TABLE: readonly UnitEntry[] = [
  {
    id: CITY,
    name: '尚志市人民政府',
    aliases: ['市政府'],
    kind: 'government',
    code: {
      code: '尚政',
      source: 'the city government\'s documents cited in (三)1 and (三)5 are numbered 尚政办发 (its office, 办, issuing 发文), so the government\'s own code is 尚政',
    },
  },
  { id: 'sz-fagaiju', name: '市发改局', kind: 'department', parentUnitId: CITY },
  {
    id: 'sz-bianban',
    name: '市编办',
    kind: 'other',
    note: '机构编制委员会办公室: the office of the establishment committee, which serves the party committee and the government together; neither a government department nor a party organ alone',
  },
  { id: 'sz-fazhiban', name: '市政府法制办', kind: 'department', parentUnitId: CITY },
  {
    id: 'sz-jianchaju',
    name: '市监察局',
    kind: 'department',
    parentUnitId: CITY,
  },
  { id: 'sz-xingzheng-fuwu-zhongxin', name: '市行政服务中心', kind: 'department', parentUnitId: CITY },
  {
    id: 'sz-zhengfu-bangongshi',
    name: '市政府办公室',
    kind: 'department',
    parentUnitId: CITY,
    code: {
      code: '尚政办',
      source: 'the text cites 尚政办发〔2015〕8号 and 尚政办发〔2015〕9号: 尚政办 is the office\'s 机关代字, 发 the kind of document (文种代字), as (二)2 describes the numbering',
    },
  },
  { id: 'sz-caizhengju', name: '市财政局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-gongxinju', name: '市工信局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-rensheju', name: '市人社局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-guotu-ziyuanju', name: '市国土资源局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-huanbaoju', name: '市环保局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-zhujianju', name: '市住建局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-guihua-jianshe-guanliju', name: '市规划建设管理局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-shichang-jiandu-guanliju', name: '市市场监督管理局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-shangwuban', name: '市商务办', kind: 'department', parentUnitId: CITY },
  { id: 'sz-sifaju', name: '市司法局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-minzhengju', name: '市民政局', kind: 'department', parentUnitId: CITY },
  {
    id: 'sz-zongzhiban',
    name: '市综治办',
    kind: 'other',
    note: '社会治安综合治理委员会办公室: the office of a committee of the party committee and the government together',
  },
  { id: 'sz-nongyeju', name: '市农业局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-xumu-shouyiju', name: '市畜牧兽医局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-jiaoyuju', name: '市教育局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-weijiju', name: '市卫计局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-wenti-guangdianju', name: '市文体广电局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-dishuiju', name: '市地税局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-shenjiju', name: '市审计局', kind: 'department', parentUnitId: CITY },
  { id: 'sz-shiwei-zuzhibu', name: '市委组织部', kind: 'party' },
  {
    id: 'sz-shiwei-zhengfawei',
    name: '市委政法委',
    aliases: ['市政法委'],
    kind: 'party',
    note: '(三)3 writes 市政法委, (四)2 市委政法委: the same committee of the city party committee',
  },
  { id: 'sz-jiwei', name: '市纪委', kind: 'party' },
  {
    id: 'sz-gonganju',
    name: '市公安局',
    kind: 'public-security',
    parentUnitId: CITY,
    note: '尚志市公安局: a department of the city government; receives case transfers (行政执法与刑事司法衔接)',
  },
  {
    id: 'sz-fayuan',
    name: '市法院',
    kind: 'court',
    note: '尚志市人民法院: answers to the people\'s congress, not to the government, hence no parent unit',
  },
  {
    id: 'sz-jianchayuan',
    name: '市检察院',
    kind: 'procuratorate',
    note: '尚志市人民检察院: answers to the people\'s congress, not to the government, hence no parent unit',
  },
  {
    id: 'sz-renda',
    name: '市人大',
    kind: 'other',
    note: '尚志市人民代表大会: named in part one for its session (市人大八届一次全会), never as a 责任单位',
  },
  {
    id: 'sz-shizhi-ge-bumen',
    name: '市直各部门',
    aliases: ['各部门'],
    kind: 'collective',
    parentUnitId: CITY,
    note: 'every department of the city; (二)2 says 各部门 for the same',
  },
  {
    id: 'sz-shizhi-ge-youguan-bumen',
    name: '市直各有关部门',
    aliases: ['市直有关部门'],
    kind: 'collective',
    parentUnitId: CITY,
    note: 'the departments of the city a measure concerns; (四)4 writes "…等市直有关部门" for the same',
  },
  {
    id: 'sz-ge-xiangzhen-zhengfu',
    name: '各乡(镇)政府',
    aliases: ['各乡镇政府'],
    kind: 'collective',
    parentUnitId: CITY,
    note: 'every township government (乡、镇人民政府) under the city; (二)2 writes 各乡镇政府 for the same',
  },
  {
    id: 'zhonggong-zhongyang',
    name: '中共中央',
    kind: 'party',
    note: 'named with 国务院 as the issuers of 法治政府建设实施纲要(2015-2020年), which the plan implements',
  },
  {
    id: 'guowuyuan',
    name: '国务院',
    kind: 'government',
    note: 'named with 中共中央 as the issuers of 法治政府建设实施纲要(2015-2020年)',
  },
  {
    id: 'hlj-shengwei',
    name: '中共黑龙江省委',
    aliases: ['省委'],
    kind: 'party',
    note: 'the provincial party committee; with the provincial government the issuer of 黑龙江省法治政府建设实施方案(2016-2020年)',
  },
  {
    id: 'hlj-shengzhengfu',
    name: '黑龙江省人民政府',
    aliases: ['省政府'],
    kind: 'government',
    note: 'named as 省政府 in 省委省政府 and within the name of its general office',
  },
  {
    id: 'hlj-shengzhengfu-bangongting',
    name: '黑龙江省人民政府办公厅',
    kind: 'department',
    parentUnitId: 'hlj-shengzhengfu',
    note: 'issuer of the notice on the 三统一 of normative documents that (二)2 implements',
  },
  {
    id: 'heb-shiwei',
    name: '中共哈尔滨市委',
    aliases: ['哈尔滨市委'],
    kind: 'party',
    note: 'with the Harbin city government the issuer of 哈尔滨市法治政府建设行动方案(2016-2020年); 尚志 is a county-level city under Harbin',
  },
  {
    id: 'heb-shizhengfu',
    name: '哈尔滨市人民政府',
    kind: 'government',
    note: 'named as 市政府 in 哈尔滨市委市政府',
  },
];

/**
 * Forms in which the text names two units at once, with no mark between them. Matched before anything
 * shorter, so that the 市政府 of 哈尔滨市委市政府 is not taken for 尚志's.
 */
export const JOINT_FORMS: Readonly<Record<string, readonly string[]>> = {
  中共中央国务院: ['zhonggong-zhongyang', 'guowuyuan'],
  省委省政府: ['hlj-shengwei', 'hlj-shengzhengfu'],
  哈尔滨市委市政府: ['heb-shiwei', 'heb-shizhengfu'],
};
