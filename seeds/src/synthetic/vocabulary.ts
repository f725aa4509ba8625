import type { Random } from './random.js';

// Words the synthetic city is written in. Every text is made from these lists by the seeded generator: plausible
// to read, and never anyone's real personal data (officials' names are drawn from common surnames and characters;
// citizens are never named at all — parties of cases are organisations or unnamed ids).

// Every character here is one code point of the Basic Multilingual Plane: Array.from splits them exactly.
const SURNAMES = Array.from('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严武戴莫孔向汤');
const GIVEN = Array.from('伟芳娜敏静丽强磊军洋勇艳杰娟涛明超秀霞平刚桂英华玉萍红建文辉力明永健世广志义兴良海山仁波宁贵福生龙元全国胜学祥才发成康星光天达安岩中茂进林有坚和彪博诚先敬震振壮会思群豪心邦承乐绍功松善厚庆磊民友裕河哲江超浩亮政谦亨奇固之轮翰朗伯宏言若鸣朋斌梁栋维启克伦翔旭鹏泽晨辰士以建家致树炎德行时泰盛雄琛钧冠策腾楠榕风航弘');

export function personName(random: Random): string {
  const given = random.chance(0.7) ? random.pick(GIVEN) + random.pick(GIVEN) : random.pick(GIVEN);
  return random.pick(SURNAMES) + given;
}

const TOWNSHIPS = [
  ['sz-shangzhizhen', '尚志镇'],
  ['sz-yimianpozhen', '一面坡镇'],
  ['sz-weihezhen', '苇河镇'],
  ['sz-yabulizhen', '亚布力镇'],
  ['sz-maoershanzhen', '帽儿山镇'],
  ['sz-yuanbaozhen', '元宝镇'],
  ['sz-heilonggongzhen', '黑龙宫镇'],
  ['sz-qingyangzhen', '庆阳镇'],
  ['sz-laojiejixiang', '老街基乡'],
  ['sz-mayanxiang', '马延乡'],
  ['sz-hedongxiang', '河东乡'],
  ['sz-wujimixiang', '乌吉密乡'],
] as const;

/** 尚志市's towns and townships (乡镇), as units of the synthetic city. */
export function townships(): readonly (readonly [string, string])[] {
  return TOWNSHIPS;
}

const TRADES = ['商贸', '食品', '餐饮', '建材', '木业', '农资', '药房', '物流', '酒业', '米业', '旅游', '汽车修理', '超市', '养殖', '建筑', '印务', '网络科技', '热力', '矿业', '文化传媒'];
const FIRM_WORDS = ['鑫', '盛', '宏', '兴', '达', '恒', '源', '泰', '丰', '华', '隆', '顺', '利', '金', '诚', '远', '通', '嘉', '瑞', '福'];

/** A market entity (市场主体) as a party of a case: an organisation, published by name. */
export function firmName(random: Random): string {
  const kind = random.pick(['有限公司', '有限责任公司', '股份有限公司', '合作社']);
  return `尚志市${random.pick(FIRM_WORDS)}${random.pick(FIRM_WORDS)}${random.pick(TRADES)}${kind}`;
}

/** A unified social credit code (统一社会信用代码) shape: 18 characters, as 名录库 entries are keyed. */
export function creditCode(random: Random, serial: number): string {
  const body = serial.toString(36).toUpperCase().padStart(8, '0');
  return `91230183MA${body}`;
}

export interface EnforcementArea {
  readonly scope: string;
  readonly law: string;
  readonly articles: readonly string[];
  readonly violations: readonly string[];
  readonly matters: readonly string[];
  readonly offences: readonly string[];
}

const MARKET: EnforcementArea = {
  scope: '市场监管',
  law: '中华人民共和国食品安全法',
  articles: ['第一百二十二条', '第一百二十四条', '第一百二十六条', '第一百三十二条'],
  violations: ['经营超过保质期的食品', '未取得食品经营许可从事食品经营', '销售不符合食品安全标准的食品', '虚假宣传', '未按规定公示营业执照', '计量器具未经检定'],
  matters: ['食品经营者监督检查', '广告发布情况检查', '产品质量监督抽查', '企业公示信息抽查'],
  offences: ['生产、销售有毒、有害食品罪', '生产、销售伪劣产品罪'],
};
const ENVIRONMENT: EnforcementArea = {
  scope: '环境保护',
  law: '中华人民共和国环境保护法',
  articles: ['第五十九条', '第六十条', '第六十三条'],
  violations: ['超标排放大气污染物', '未批先建', '危险废物贮存不规范', '污染防治设施未正常运行'],
  matters: ['排污单位执法检查', '建设项目环境影响评价检查'],
  offences: ['污染环境罪'],
};
const LABOUR: EnforcementArea = {
  scope: '劳动保障监察',
  law: '劳动保障监察条例',
  articles: ['第二十四条', '第二十六条', '第三十条'],
  violations: ['拖欠劳动者工资', '未依法缴纳社会保险费', '违法延长工作时间'],
  matters: ['用人单位劳动用工检查'],
  offences: ['拒不支付劳动报酬罪'],
};
const CONSTRUCTION: EnforcementArea = {
  scope: '住房和城乡建设',
  law: '建设工程质量管理条例',
  articles: ['第五十四条', '第五十六条', '第六十四条'],
  violations: ['未取得施工许可证擅自施工', '违反工程建设强制性标准', '未按规定办理竣工验收备案'],
  matters: ['建筑施工企业安全生产检查', '房地产开发企业资质检查'],
  offences: ['重大责任事故罪', '工程重大安全事故罪'],
};
const HEALTH: EnforcementArea = {
  scope: '卫生健康',
  law: '中华人民共和国执业医师法',
  articles: ['第三十九条'],
  violations: ['非法行医', '公共场所卫生许可证过期', '未按规定处置医疗废物'],
  matters: ['医疗机构依法执业检查', '公共场所卫生检查'],
  offences: ['非法行医罪'],
};
const CULTURE: EnforcementArea = {
  scope: '文化市场',
  law: '娱乐场所管理条例',
  articles: ['第四十三条', '第四十八条'],
  violations: ['擅自从事娱乐场所经营活动', '网吧接纳未成年人'],
  matters: ['文化市场经营单位检查'],
  offences: ['非法经营罪'],
};
const AGRICULTURE: EnforcementArea = {
  scope: '农业',
  law: '农药管理条例',
  articles: ['第五十五条', '第五十七条'],
  violations: ['经营假农药', '未取得农药经营许可证经营农药', '销售未经检疫的动物产品'],
  matters: ['农资经营单位检查', '动物防疫条件检查'],
  offences: ['生产、销售伪劣农药罪'],
};
const TOWNSHIP: EnforcementArea = {
  scope: '乡镇综合执法',
  law: '中华人民共和国土地管理法',
  articles: ['第七十七条', '第八十三条'],
  violations: ['非法占用耕地建房', '违法建设', '乱堆乱放影响市容'],
  matters: ['违法建设巡查'],
  offences: ['非法占用农用地罪'],
};

export const ENFORCEMENT_AREAS = { MARKET, ENVIRONMENT, LABOUR, CONSTRUCTION, HEALTH, CULTURE, AGRICULTURE, TOWNSHIP } as const;

const DECISION_MATTERS = [
  '城区集中供热价格调整',
  '老旧小区改造实施方案',
  '城市总体规划修编',
  '义务教育学校布局调整',
  '亚布力旅游度假区发展规划',
  '城区公共交通线路优化方案',
  '农村生活垃圾治理实施方案',
  '棚户区改造征收补偿方案',
  '水源地保护区划定方案',
  '城市停车收费标准调整',
  '生态公益林补偿办法',
  '医疗卫生服务体系规划',
  '城区道路综合改造工程',
  '中小企业发展专项资金管理办法',
  '殡葬改革实施方案',
  '大气污染防治行动计划',
];

export function decisionTitle(random: Random, year: number): string {
  return `尚志市${random.pick(DECISION_MATTERS)}(${year}年)`;
}

const DOCUMENT_MATTERS = [
  '行政执法公示办法',
  '行政执法全过程记录办法',
  '重大行政执法决定法制审核办法',
  '政府信息公开实施办法',
  '农村土地承包经营权流转管理办法',
  '城市市容和环境卫生管理规定',
  '企业投资项目核准和备案管理办法',
  '最低生活保障工作实施细则',
  '建筑垃圾管理办法',
  '食品小作坊和食品摊贩管理办法',
  '行政事业性收费管理办法',
  '政府投资项目管理办法',
  '公共资源交易管理办法',
  '住房公积金管理办法',
  '安全生产监督管理办法',
  '社会信用体系建设实施办法',
];

export function documentTitle(random: Random, issuerName: string): string {
  return `${issuerName}关于印发${random.pick(DOCUMENT_MATTERS)}的通知`;
}
