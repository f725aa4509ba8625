import type { Actor } from '@quanze/events';
import { addYears, dateOf, dayOf, instantAt, isWeekend, yearOfDay } from './calendar.js';
import type { City, PersonState, PostRole, PostState, UnitState } from './city.js';
import { CERTIFICATE_RENEWAL_DAYS } from './city.js';
import type { Process } from './scheduler.js';
import type { EnforcementArea } from './vocabulary.js';
import { ENFORCEMENT_AREAS, townships } from './vocabulary.js';
import type { World } from './world.js';

/** Who records the migration of the paper registers on the first day, before the organisation office is staffed. */
export const MIGRATION_ACTOR: Actor = { personId: 'system-synthetic', postId: null, unitId: null };

/** How a unit of the synthetic city works: staff, what it enforces, whether it issues documents or leads decisions. */
interface UnitProfile {
  readonly unitId: string;
  readonly headTitle: string;
  readonly deputies?: number;
  readonly clerks?: number;
  readonly legal?: boolean;
  readonly reviewers?: boolean;
  readonly judicial?: string;
  readonly members?: boolean;
  readonly area?: EnforcementArea;
  readonly caseWeight?: number;
  readonly inspectionWeight?: number;
  /** 机关代字 given on the first day (the plan's text shows only 尚政 and 尚政办). */
  readonly code?: string;
  readonly documents?: boolean;
  readonly decisions?: boolean;
}

const { MARKET, ENVIRONMENT, LABOUR, CONSTRUCTION, HEALTH, CULTURE, AGRICULTURE, TOWNSHIP } = ENFORCEMENT_AREAS;

/** Townships with a comprehensive enforcement team (乡镇综合执法). */
const ENFORCING_TOWNSHIPS = ['sz-shangzhizhen', 'sz-yimianpozhen', 'sz-yabulizhen', 'sz-maoershanzhen'];

const PROFILES: readonly UnitProfile[] = [
  { unitId: 'sz-zhengfu', headTitle: '市长', members: true, code: '尚政', documents: true },
  { unitId: 'sz-zhengfu-bangongshi', headTitle: '主任', deputies: 1, clerks: 3, legal: true, code: '尚政办', documents: true, decisions: true },
  { unitId: 'sz-fazhiban', headTitle: '主任', clerks: 1, reviewers: true },
  { unitId: 'sz-sifaju', headTitle: '局长', deputies: 1, clerks: 1, legal: true, code: '尚司', documents: true, decisions: true },
  { unitId: 'sz-shiwei-zuzhibu', headTitle: '部长' },
  { unitId: 'sz-shichang-jiandu-guanliju', headTitle: '局长', deputies: 2, legal: true, area: MARKET, caseWeight: 0.36, inspectionWeight: 0.45, code: '尚市监', documents: true, decisions: true },
  { unitId: 'sz-huanbaoju', headTitle: '局长', deputies: 1, legal: true, area: ENVIRONMENT, caseWeight: 0.1, inspectionWeight: 0.12, code: '尚环', documents: true, decisions: true },
  { unitId: 'sz-rensheju', headTitle: '局长', deputies: 1, legal: true, area: LABOUR, caseWeight: 0.07, inspectionWeight: 0.08, code: '尚人社', documents: true, decisions: true },
  { unitId: 'sz-zhujianju', headTitle: '局长', deputies: 1, legal: true, area: CONSTRUCTION, caseWeight: 0.08, inspectionWeight: 0.08, code: '尚建', documents: true, decisions: true },
  { unitId: 'sz-weijiju', headTitle: '局长', deputies: 1, legal: true, area: HEALTH, caseWeight: 0.08, inspectionWeight: 0.1, code: '尚卫计', documents: true, decisions: true },
  { unitId: 'sz-wenti-guangdianju', headTitle: '局长', deputies: 1, legal: true, area: CULTURE, caseWeight: 0.05, inspectionWeight: 0.05, code: '尚文广', documents: true },
  { unitId: 'sz-nongyeju', headTitle: '局长', deputies: 1, legal: true, area: AGRICULTURE, caseWeight: 0.08, inspectionWeight: 0.07, code: '尚农', documents: true, decisions: true },
  { unitId: 'sz-fagaiju', headTitle: '局长', deputies: 1, clerks: 2, legal: true, code: '尚发改', documents: true, decisions: true },
  { unitId: 'sz-caizhengju', headTitle: '局长', deputies: 1, clerks: 2, legal: true, code: '尚财', documents: true, decisions: true },
  { unitId: 'sz-jiaoyuju', headTitle: '局长', deputies: 1, clerks: 2, legal: true, code: '尚教', documents: true, decisions: true },
  { unitId: 'sz-minzhengju', headTitle: '局长', deputies: 1, clerks: 2, legal: true, code: '尚民', documents: true, decisions: true },
  { unitId: 'sz-gongxinju', headTitle: '局长', deputies: 1, clerks: 1 },
  { unitId: 'sz-gonganju', headTitle: '局长', judicial: '民警' },
  { unitId: 'sz-senlin-gonganju', headTitle: '局长', judicial: '民警' },
  { unitId: 'sz-jianchayuan', headTitle: '检察长', judicial: '检察官' },
  { unitId: 'sz-fayuan', headTitle: '院长', judicial: '法官' },
  { unitId: 'sz-zongzhiban', headTitle: '主任', clerks: 2 },
  { unitId: 'sz-jiwei', headTitle: '书记', clerks: 1 },
  { unitId: 'sz-jianchaju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-bianban', headTitle: '主任', clerks: 1 },
  { unitId: 'sz-renda', headTitle: '主任', clerks: 1 },
  { unitId: 'sz-shiwei-zhengfawei', headTitle: '书记', clerks: 1 },
  { unitId: 'sz-xingzheng-fuwu-zhongxin', headTitle: '主任', clerks: 1 },
  { unitId: 'sz-shenjiju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-guotu-ziyuanju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-guihua-jianshe-guanliju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-xumu-shouyiju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-dishuiju', headTitle: '局长', clerks: 1 },
  { unitId: 'sz-shangwuban', headTitle: '主任', clerks: 1 },
  ...townships().map(([unitId]): UnitProfile => {
    const enforcing = ENFORCING_TOWNSHIPS.includes(unitId);
    return {
      unitId,
      headTitle: '乡镇长',
      deputies: 1,
      clerks: 1,
      ...(enforcing ? { legal: true, area: TOWNSHIP, caseWeight: 0.045, inspectionWeight: 0 } : {}),
    };
  }),
];

/** Units the synthetic city adds to the plan's: the townships and the forest police (森林公安). */
function addedUnits(): { unitId: string; name: string; code: string | null; kind: string; parentUnitId: string | null }[] {
  return [
    ...townships().map(([unitId, name]) => ({ unitId, name, code: name, kind: 'township', parentUnitId: 'sz-zhengfu' })),
    { unitId: 'sz-senlin-gonganju', name: '市森林公安局', code: null, kind: 'public-security', parentUnitId: null },
  ];
}

/** What the event budget expects of the city, to size its staff (more events, more officers and clerks). */
export interface Staffing {
  /** Enforcement cases a year, all units together. */
  readonly casesPerYear: number;
  readonly transfersPerYear: number;
  readonly subjectsPerYear: number;
}

function officersFor(casesPerYear: number): number {
  // A case needs two or three officers for about two and a half months; an officer carries about ten at a time.
  const concurrent = (casesPerYear * 75 * 2.4) / 365;
  return Math.max(4, Math.ceil(concurrent / 10));
}

/**
 * The first day (the migration of the paper registers): the plan's units get their 机关代字, the added units are
 * registered, every post is established and filled, officers are certified, the expert pool (专家库) registered.
 */
export function bootstrapCity(world: World, seedsUnits: readonly { id: string; name: string; code: string | null; kind: string }[], staffing: Staffing): void {
  const { city, random } = world;
  const day = world.startDay;
  let tick = instantAt(day, 8 * 60);
  const next = (): number => {
    tick += 1000;
    return tick;
  };
  for (const unit of seedsUnits) city.knowUnit({ unitId: unit.id, name: unit.name, code: unit.code, kind: unit.kind });

  // The organisation office first: its admin records everything after.
  const adminPosts = [0, 1].map(() => city.establishPost(next(), 'sz-shiwei-zuzhibu', '干部科科员', 'admin', MIGRATION_ACTOR));
  const firstAdminPost = adminPosts[0] as PostState;
  const firstAdmin = city.registerPerson(next(), day, { actor: MIGRATION_ACTOR });
  city.appoint(next(), day, firstAdmin, firstAdminPost, migrationBasis(day), MIGRATION_ACTOR);

  for (const unit of addedUnits()) {
    city.registerUnit(next(), { ...unit, establishedOn: day }, city.admin());
  }
  const scale = (weight: number): number => staffing.casesPerYear * weight;
  const byId = new Map(PROFILES.map((profile) => [profile.unitId, profile]));
  // Legal office first (its reviewers certify the officers), then everyone else.
  const order = ['sz-fazhiban', ...PROFILES.map((profile) => profile.unitId).filter((id) => id !== 'sz-fazhiban')];
  for (const unitId of order) {
    const profile = byId.get(unitId);
    if (profile === undefined) continue;
    const unit = city.unit(unitId);
    if (profile.code !== undefined && unit.code !== profile.code) {
      city.rename(next(), day, unitId, unit.name, profile.code, `尚编办发〔${yearOfDay(day)}〕1号 关于核定机关代字的通知`);
    }
    unit.stable = !ENDING_UNITS.includes(unitId);
    unit.enforcement = profile.area ?? null;
    unit.caseWeight = profile.caseWeight ?? 0;
    unit.inspectionWeight = profile.inspectionWeight ?? 0;
    unit.issuesDocuments = profile.documents === true;
    unit.leadsDecisions = profile.decisions === true;
    const casesPerYear = scale(unit.caseWeight);
    const posts: [string, PostRole][] = [[profile.headTitle, 'head']];
    for (let i = 1; i <= (profile.deputies ?? 0); i += 1) posts.push([`副${profile.headTitle.replace(/^乡镇/, '')}(${i})`, 'deputy']);
    const clerks = (profile.clerks ?? 0) + (casesPerYear > 0 ? Math.max(2, Math.ceil(casesPerYear / 1500)) : 0);
    for (let i = 1; i <= clerks; i += 1) posts.push([`科员(${i})`, 'clerk']);
    if (profile.legal === true) posts.push(['法制员', 'legal']);
    if (profile.members === true) {
      posts.push(['常务副市长', 'member']);
      for (let i = 1; i <= 4; i += 1) posts.push([`副市长(${i})`, 'member']);
    }
    if (profile.reviewers === true) {
      const reviewers = Math.max(3, Math.ceil(staffing.subjectsPerYear / 800));
      for (let i = 1; i <= reviewers; i += 1) posts.push([`合法性审查员(${i})`, 'reviewer']);
    }
    if (profile.judicial !== undefined) {
      const count = Math.max(3, Math.ceil((staffing.transfersPerYear * (unitId === 'sz-gonganju' ? 1 : 0.2)) / 60));
      for (let i = 1; i <= count; i += 1) posts.push([`${profile.judicial}(${i})`, 'judicial']);
    }
    if (profile.area !== undefined) {
      const officers = officersFor(casesPerYear + scale(unit.inspectionWeight) * 0.2);
      for (let i = 1; i <= officers; i += 1) posts.push([`执法队员(${i})`, 'officer']);
    }
    for (const [title, role] of posts) {
      const post = city.establishPost(next(), unitId, title, role);
      const person = city.registerPerson(next(), day);
      city.appoint(next(), day, person, post, migrationBasis(day));
      if (role === 'officer' && profile.area !== undefined) city.certify(next(), day, person, profile.area.scope, addYears(day, random.int(1, 3)) - 1 + random.int(0, 200));
    }
  }
  const secondAdminPost = adminPosts[1] as PostState;
  const secondAdmin = city.registerPerson(next(), day);
  city.appoint(next(), day, secondAdmin, secondAdminPost, migrationBasis(day));
  // 专家库: external experts for 专家论证, registered (never appointed).
  const experts = Math.max(8, Math.ceil(staffing.subjectsPerYear / 300));
  for (let i = 0; i < experts; i += 1) city.registerPerson(next(), day, { expert: true });
}

function migrationBasis(day: number): string {
  return `${yearOfDay(day)}年干部任职登记 (纸质台账录入)`;
}

/** Persons with posts of a role in stable units, for rotations. */
function rotationCandidates(city: City, role: PostRole, day: number, rotationDay: number): { person: PersonState; post: PostState }[] {
  const result: { person: PersonState; post: PostState }[] = [];
  for (const unit of city.units.values()) {
    if (!unit.stable || unit.endedOn !== null || unit.unitId === 'sz-zhengfu' || unit.unitId === 'sz-shiwei-zuzhibu') continue;
    if (unit.kind === 'court' || unit.kind === 'procuratorate' || unit.kind === 'public-security') continue;
    for (const post of unit.posts) {
      const person = post.holder;
      if (post.role !== role || person === null || person.posts.length !== 1) continue;
      if (person.departureDay !== person.retiresOn || person.retiresOn <= rotationDay + 30 || person.busyUntil >= rotationDay) continue;
      result.push({ person, post });
    }
  }
  return result;
}

/**
 * The personnel office's daily round (weekdays, before office hours): retirements on their day, each post filled
 * again the same day; rotations (轮岗) announced months ahead and carried out on their day; certificates renewed
 * half a year before they end; now and then a certificate withdrawn after a failed assessment.
 */
export function* personnelProcess(world: World): Process {
  const { city, random } = world;
  let day = world.startDay + 1;
  let nextRotationRound = day + random.int(20, 40);
  let nextRevocation = day + random.int(60, 120);
  const pendingRotations: { day: number; a: { person: PersonState; post: PostState }; b: { person: PersonState; post: PostState } }[] = [];
  for (; day <= world.endDay; day += 1) {
    if (isWeekend(day)) continue;
    let instant = instantAt(day, 7 * 60 + 30);
    yield instant;
    const tick = (): number => {
      instant += 1000;
      return instant;
    };
    // Retirements (退休) due; posts filled again the same day.
    for (const person of [...city.persons.values()]) {
      if (person.retired || person.expert || person.retiresOn > day || person.posts.length === 0) continue;
      if (person.busyUntil >= day) continue;
      const freed = city.retire(tick(), day, person, `${yearOfDay(day)}年退休审批`);
      for (const post of freed) fillPost(world, tick(), day, post);
    }
    // Rotations announced earlier, due today.
    for (let i = pendingRotations.length - 1; i >= 0; i -= 1) {
      const rotation = pendingRotations[i];
      if (rotation === undefined || rotation.day !== day) continue;
      pendingRotations.splice(i, 1);
      const { a, b } = rotation;
      a.person.departureDay = a.person.retiresOn;
      b.person.departureDay = b.person.retiresOn;
      if (a.person.retired || b.person.retired || a.post.holder !== a.person || b.post.holder !== b.person) continue;
      if (city.unit(a.post.unitId).endedOn !== null || city.unit(b.post.unitId).endedOn !== null) continue;
      const basis = `${yearOfDay(day)}年干部交流轮岗通知`;
      city.remove(tick(), day, a.person, a.post, 'rotation', basis);
      city.remove(tick(), day, b.person, b.post, 'rotation', basis);
      city.appoint(tick(), day, a.person, b.post, basis);
      city.appoint(tick(), day, b.person, a.post, basis);
    }
    // A rotation round: pairs of the same role in two units, carried out in about five months.
    if (day >= nextRotationRound) {
      nextRotationRound = day + random.int(25, 45);
      const rotationDay = day + random.int(140, 170);
      const weekdayRotation = isWeekend(rotationDay) ? rotationDay + (isWeekend(rotationDay + 1) ? 2 : 1) : rotationDay;
      for (const role of ['clerk', 'officer', 'deputy', 'head', 'legal'] as const) {
        const candidates = rotationCandidates(city, role, day, weekdayRotation);
        const pairs = Math.min(Math.floor(candidates.length / 2), Math.max(1, Math.round(candidates.length * 0.015)));
        const chosen = random.sample(candidates, Math.min(candidates.length, pairs * 4));
        const used = new Set<string>();
        for (const first of chosen) {
          if (used.has(first.person.personId)) continue;
          const second = chosen.find((other) => !used.has(other.person.personId) && other.post.unitId !== first.post.unitId && other !== first);
          if (second === undefined) continue;
          used.add(first.person.personId);
          used.add(second.person.personId);
          first.person.departureDay = weekdayRotation;
          second.person.departureDay = weekdayRotation;
          pendingRotations.push({ day: weekdayRotation, a: first, b: second });
          if (used.size >= pairs * 2) break;
        }
      }
    }
    // Certificates renewed before they end (and granted again after a withdrawal, once re-examined).
    for (const unit of city.units.values()) {
      if (unit.enforcement === null || unit.endedOn !== null) continue;
      for (const { person } of city.holders(unit.unitId, 'officer')) {
        if (person.certifiableFrom > day || person.departureDay <= day) continue;
        const current = city.certificateFor(person, day, day);
        if (current !== null && current.validUntil - day >= CERTIFICATE_RENEWAL_DAYS) continue;
        city.certify(tick(), day, person, unit.enforcement.scope);
      }
    }
    // Now and then an officer fails the annual assessment: the certificate is withdrawn (暂扣) for re-examination.
    if (day >= nextRevocation) {
      nextRevocation = day + random.int(80, 160);
      const officers = [...city.units.values()]
        .filter((unit) => unit.enforcement !== null && unit.endedOn === null)
        .flatMap((unit) => city.holders(unit.unitId, 'officer'))
        .filter(({ person }) => person.busyUntil < day && person.departureDay > day + 90);
      if (officers.length > 4) {
        const { person } = random.pick(officers);
        for (const certificate of person.certificates) {
          if (certificate.revokedOn === null && certificate.validUntil >= day) {
            city.revoke(tick(), day, person, certificate, '年度执法考核不合格, 收回行政执法证, 重新考核');
          }
        }
        person.certifiableFrom = day + random.int(45, 90);
      }
    }
  }
}

/** A new official in a freed post, certified the same day when the post is an officer's. */
export function fillPost(world: World, instant: number, day: number, post: PostState): void {
  const { city } = world;
  const unit = city.unit(post.unitId);
  if (unit.endedOn !== null) return;
  const person = city.registerPerson(instant, day);
  city.appoint(instant + 1, day, person, post, `${yearOfDay(day)}年干部任职通知`);
  if (post.role === 'officer' && unit.enforcement !== null) city.certify(instant + 2, day, person, unit.enforcement.scope);
}

interface Reform {
  readonly date: string;
  readonly apply: (world: World, instant: () => number, day: number) => void;
}

/**
 * Moves everyone of a merged (or dissolved) unit into new posts of its successor (the head becomes a deputy there),
 * then records the merger or the dissolution.
 */
function mergeInto(world: World, instant: () => number, day: number, unitId: string, successorId: string, basis: string, how: 'merged' | 'dissolved' = 'merged'): void {
  const { city } = world;
  const unit = city.unit(unitId);
  const moving: { person: PersonState; title: string; role: PostRole }[] = [];
  for (const post of unit.posts) {
    const person = post.holder;
    if (person === null) continue;
    city.remove(instant(), day, person, post, 'other', basis);
    const role: PostRole = post.role === 'head' ? 'deputy' : post.role;
    moving.push({ person, title: post.role === 'head' ? `副局长(原${unit.name}${post.title})` : `${post.title}(原${unit.name})`, role });
  }
  if (how === 'merged') city.merge(instant(), day, unitId, successorId, basis);
  else city.dissolve(instant(), day, unitId, successorId, basis);
  for (const { person, title, role } of moving) {
    const post = city.establishPost(instant(), successorId, title, role);
    city.appoint(instant(), day, person, post, basis);
  }
  if (city.legalOfficeId === unitId) city.legalOfficeId = successorId;
}

function newUnit(world: World, instant: () => number, day: number, unitId: string, name: string, code: string | null, kind: string): UnitState {
  const { city } = world;
  const unit = city.registerUnit(instant(), { unitId, name, code, kind, parentUnitId: 'sz-zhengfu', establishedOn: day }, city.admin());
  for (const [title, role] of [['局长', 'head'], ['科员(1)', 'clerk']] as const) {
    const post = city.establishPost(instant(), unitId, title, role);
    const person = city.registerPerson(instant(), day);
    city.appoint(instant(), day, person, post, `${yearOfDay(day)}年机构改革任职通知`);
  }
  return unit;
}

/**
 * The reforms of the period (机构改革), on the days they happened in the 2018–2019 reforms when the history starts in
 * 2016 (shifted with `--start-year`): the 监察局 into the 纪委 (监察体制改革), the 综治办 dissolved into the 政法委, the
 * 地税局 into the new 税务局, the 法制办
 * into the 司法局 (its reviewers with it), 国土 and 规划 into a new 自然资源局, 畜牧兽医局 into the 农业局, renames.
 */
function reforms(shiftYears: number): Reform[] {
  const at = (date: string): string => dateOf(addYears(dayOf(date), shiftYears));
  const basis2018 = `尚志市机构改革方案 (${2018 + shiftYears}年)`;
  const basis2019 = `尚志市机构改革方案 (${2019 + shiftYears}年)`;
  return [
    {
      date: at('2018-02-08'),
      apply: (world, instant, day) => {
        mergeInto(world, instant, day, 'sz-jianchaju', 'sz-jiwei', `${basis2018}: 组建市监察委员会, 与市纪委合署办公`);
        mergeInto(world, instant, day, 'sz-zongzhiban', 'sz-shiwei-zhengfawei', `${basis2018}: 撤销市综治办, 职责由市委政法委承担`, 'dissolved');
        world.city.rename(instant(), day, 'sz-jiwei', '市纪委监委', null, `${basis2018}: 组建市监察委员会`);
      },
    },
    {
      date: at('2018-07-20'),
      apply: (world, instant, day) => {
        newUnit(world, instant, day, 'sz-shuiwuju', '国家税务总局尚志市税务局', null, 'other');
        mergeInto(world, instant, day, 'sz-dishuiju', 'sz-shuiwuju', `${basis2018}: 国税地税征管体制改革`);
      },
    },
    {
      date: at('2019-02-28'),
      apply: (world, instant, day) => {
        const { city } = world;
        mergeInto(world, instant, day, 'sz-fazhiban', 'sz-sifaju', `${basis2019}: 市政府法制办职责划入市司法局`);
        newUnit(world, instant, day, 'sz-ziranziyuanju', '市自然资源局', '尚自然资源', 'department');
        mergeInto(world, instant, day, 'sz-guotu-ziyuanju', 'sz-ziranziyuanju', `${basis2019}: 组建市自然资源局`);
        mergeInto(world, instant, day, 'sz-guihua-jianshe-guanliju', 'sz-ziranziyuanju', `${basis2019}: 组建市自然资源局`);
        mergeInto(world, instant, day, 'sz-xumu-shouyiju', 'sz-nongyeju', `${basis2019}: 畜牧兽医局职责划入农业农村局`);
        city.rename(instant(), day, 'sz-nongyeju', '市农业农村局', city.unit('sz-nongyeju').code, `${basis2019}: 组建市农业农村局`);
        mergeInto(world, instant, day, 'sz-shangwuban', 'sz-gongxinju', `${basis2019}: 商务职责划入市工信局`);
        city.rename(instant(), day, 'sz-gongxinju', '市工业信息科技和商务局', '尚工信', `${basis2019}: 组建市工业信息科技和商务局`);
        city.rename(instant(), day, 'sz-huanbaoju', '市生态环境局', '尚环', `${basis2019}: 组建市生态环境局`);
        city.rename(instant(), day, 'sz-weijiju', '市卫生健康局', '尚卫健', `${basis2019}: 组建市卫生健康局`);
        city.rename(instant(), day, 'sz-wenti-guangdianju', '市文体广电和旅游局', '尚文旅', `${basis2019}: 组建市文体广电和旅游局`);
        city.rename(instant(), day, 'sz-bianban', '市委编办', null, `${basis2019}: 市编办更名为市委机构编制委员会办公室`);
      },
    },
  ];
}

/** Units that end in a reform: they handle no case, document or decision (their successors would have to). */
export const ENDING_UNITS = ['sz-jianchaju', 'sz-zongzhiban', 'sz-dishuiju', 'sz-fazhiban', 'sz-guotu-ziyuanju', 'sz-guihua-jianshe-guanliju', 'sz-xumu-shouyiju', 'sz-shangwuban'];

/** Runs each reform on its day (before office hours), if it falls inside the history. */
export function* reformsProcess(world: World, startYear: number): Process {
  for (const reform of reforms(startYear - 2016)) {
    const day = dayOf(reform.date);
    if (day <= world.startDay || day > world.endDay) continue;
    let instant = instantAt(day, 7 * 60);
    yield instant;
    reform.apply(
      world,
      () => {
        instant += 1000;
        return instant;
      },
      day,
    );
  }
}
