/**
 * Parses the action plan (seeds/source/action-plan-2016-2020.txt, a PDF extract) into seeds/data/*.json:
 *
 *   node --import tsx seeds/scripts/parse-action-plan.ts
 *
 * Deterministic: the same text gives the same files, byte for byte (test/seeds checks it). Every assumption
 * about the text is asserted, so a changed source fails here, loudly, rather than giving quietly wrong data.
 * What could not be parsed is corrected in CORRECTIONS below, each with its reason (docs/SEEDS.md).
 */
import { createHash } from 'node:crypto';
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { z } from 'zod';
import type { ActionPlanSeeds, SeedLocation, SeedMeasure, SeedResponsibility, SeedSection, SeedUnit } from '../src/seed-data.js';
import { SEED_FILES, SeedMeasure as SeedMeasureSchema, SeedPlan, SeedSection as SeedSectionSchema, SeedUnit as SeedUnitSchema } from '../src/seed-data.js';
import { JOINT_FORMS, UNIT_TABLE } from './action-plan-units.js';

export const SOURCE_FILE = 'seeds/source/action-plan-2016-2020.txt';
const SEEDS_FOLDER = new URL('../', import.meta.url);

const PLAN_ID = 'ap2016';
const PERIOD = { from: '2016-01-01', to: '2020-12-31' } as const;

/**
 * Hand corrections of the cleaned text: each must match exactly once. The PDF extract lost the 六角括号 of
 * document numbers: 尚政办发20158 号 is 尚政办发〔2015〕8号 (the year the rules were made, then the sequence).
 */
export const CORRECTIONS: readonly { readonly find: string; readonly replace: string; readonly why: string }[] = [
  { find: '尚政办发20158号', replace: '尚政办发〔2015〕8号', why: 'the extract dropped 〔〕 from the document number' },
  { find: '尚政办发20159号', replace: '尚政办发〔2015〕9号', why: 'the extract dropped 〔〕 from the document number' },
];

/**
 * Measures the text gives no (责任单位:…) of their own, and the measure whose parenthesis they take. (二)2
 * (三统一) has none: (二)1 before it and (二)3 after it list the same units, so it is theirs whichever neighbour
 * the drafters meant it to go with.
 */
export const SHARED_RESPONSIBILITY: Readonly<Record<string, { readonly from: string; readonly why: string }>> = {
  '(二)2': { from: '(二)3', why: 'no 责任单位 of its own; (二)1 and (二)3 list the same units' },
};

/**
 * Measure titles the first-sentence rule gets wrong. (二)2 runs its heading into its first point with a comma
 * ("…的通知,一要统一登记。"): its heading is the notice it implements.
 */
export const TITLE_OVERRIDES: Readonly<Record<string, string>> = {
  '(二)2': '落实黑龙江省人民政府办公厅关于实行规范性文件三统一制度的通知',
};

const CHINESE_NUMERALS = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十'] as const;

export class SourceTextError extends Error {
  override readonly name = 'SourceTextError';
}

function check(condition: boolean, message: string): asserts condition {
  if (!condition) throw new SourceTextError(`the action plan's text is not as expected: ${message}`);
}

// ── The cleaned text, each character with the source line it came from ─────────────────────────────────────

interface Tracked {
  readonly text: string;
  readonly lines: readonly number[];
}

function spliceTracked(source: Tracked, edits: readonly { start: number; end: number; insert: string }[]): Tracked {
  let text = '';
  const lines: number[] = [];
  let at = 0;
  for (const edit of [...edits].sort((a, b) => a.start - b.start)) {
    check(edit.start >= at, 'overlapping edits');
    text += source.text.slice(at, edit.start);
    lines.push(...source.lines.slice(at, edit.start));
    text += edit.insert;
    const line = source.lines[edit.start] ?? 0;
    for (let i = 0; i < edit.insert.length; i += 1) lines.push(line);
    at = edit.end;
  }
  text += source.text.slice(at);
  lines.push(...source.lines.slice(at));
  return { text, lines };
}

function lineAt(tracked: Tracked, offset: number): number {
  const line = tracked.lines[offset];
  check(line !== undefined, `no source line at offset ${offset}`);
  return line;
}

/**
 * Joins the extract's lines into one text: strips each line's "N、" prefix (the line breaks fall inside words,
 * so nothing goes between them), then the page numbers (" 2 ", " 3 "… between words), then the spaces the PDF
 * left around Chinese text, then applies the corrections (CORRECTIONS unless told otherwise).
 */
export function cleanSource(
  raw: string,
  corrections: typeof CORRECTIONS = CORRECTIONS,
): { cleaned: Tracked; lineCount: number; pageCount: number } {
  const rawLines = raw.replace(/\n$/, '').split('\n');
  let joined = '';
  const lines: number[] = [];
  rawLines.forEach((content, index) => {
    const prefix = `${index + 1}、`;
    check(content.startsWith(prefix), `line ${index + 1} does not start with "${prefix}"`);
    const body = content.slice(prefix.length);
    joined += body;
    for (let i = 0; i < body.length; i += 1) lines.push(index + 1);
  });
  let tracked: Tracked = { text: joined, lines };

  // Page numbers are one or two digits standing alone between spaces, and run 1, 2, 3… in order. Years (2020)
  // have four digits; document numbers (20158 号) have no space before them.
  const pages = [...tracked.text.matchAll(/\s+(\d{1,2})\s+/g)];
  pages.forEach((match, index) => {
    check(Number(match[1]) === index + 1, `page number ${index + 1} expected, found "${match[0]}"`);
  });
  check(pages.length > 0, 'no page numbers');
  tracked = spliceTracked(
    tracked,
    pages.map((match) => ({ start: match.index, end: match.index + match[0].length, insert: '' })),
  );

  // Any space left is typesetting: none belongs in Chinese text. A space between two ASCII letters or digits
  // would separate words or numbers, and the plan has none.
  const spaces = [...tracked.text.matchAll(/\s+/g)];
  for (const space of spaces) {
    const before = tracked.text[space.index - 1] ?? '';
    const after = tracked.text[space.index + space[0].length] ?? '';
    check(!(/[A-Za-z0-9]/.test(before) && /[A-Za-z0-9]/.test(after)), `a space between ASCII letters or digits at ${space.index}`);
  }
  tracked = spliceTracked(
    tracked,
    spaces.map((space) => ({ start: space.index, end: space.index + space[0].length, insert: '' })),
  );

  for (const correction of corrections) {
    const at = tracked.text.indexOf(correction.find);
    check(at >= 0, `correction "${correction.find}" matches nothing`);
    check(tracked.text.indexOf(correction.find, at + 1) < 0, `correction "${correction.find}" matches twice`);
    tracked = spliceTracked(tracked, [{ start: at, end: at + correction.find.length, insert: correction.replace }]);
  }
  return { cleaned: tracked, lineCount: rawLines.length, pageCount: pages.length };
}

// ── Structure ─────────────────────────────────────────────────────────────────────────────────────────────

interface Region {
  readonly start: number;
  readonly end: number;
  readonly clause: string;
  readonly in: SeedLocation['in'];
}

interface ParsedMeasure {
  readonly sectionIndex: number;
  readonly number: number;
  readonly start: number;
  /** Where the measure's text ends: at its (责任单位:…), or at the end of the source. */
  readonly textEnd: number;
  /**
   * The parenthesis' content; `shared` when the measure has none and the next one's is taken (SHARED_RESPONSIBILITY);
   * null when the source ends before it.
   */
  readonly responsibility: { readonly start: number; readonly end: number } | 'shared' | null;
  readonly end: number;
}

/** The offset just after the ")" that closes the "(" at `open`, counting the (镇) of 各乡(镇)政府. */
function closingParenthesis(text: string, open: number): number {
  let depth = 0;
  for (let i = open; i < text.length; i += 1) {
    if (text[i] === '(') depth += 1;
    if (text[i] === ')') {
      depth -= 1;
      if (depth === 0) return i + 1;
    }
  }
  return -1;
}

const RESPONSIBILITY_OPENING = '(责任单位:';

function parseMeasures(text: string, sectionIndex: number, from: number, to: number): ParsedMeasure[] {
  const measures: ParsedMeasure[] = [];
  let at = from;
  for (let number = 1; at < to; number += 1) {
    const marker = `${number}.`;
    check(text.startsWith(marker, at), `measure ${number} of section ${sectionIndex + 1} expected at "${text.slice(at, at + 20)}"`);
    const open = text.indexOf(RESPONSIBILITY_OPENING, at);
    if (open < 0 || open >= to) {
      // Only the last measure of the source may lack its 责任单位: the text breaks off in it.
      check(to === text.length, `measure ${number} of section ${sectionIndex + 1} has no (责任单位:…)`);
      measures.push({ sectionIndex, number, start: at, textEnd: to, responsibility: null, end: to });
      break;
    }
    // A measure without its own (责任单位:…) runs into the next one: the next number shows up first.
    const next = text.indexOf(`${number + 1}.`, at);
    if (next >= 0 && next < open) {
      measures.push({ sectionIndex, number, start: at, textEnd: next, responsibility: 'shared', end: next });
      at = next;
      continue;
    }
    const close = closingParenthesis(text, open);
    check(close > 0 && close <= to, `the (责任单位:… of measure ${number} of section ${sectionIndex + 1} does not close`);
    measures.push({
      sectionIndex,
      number,
      start: at,
      textEnd: open,
      responsibility: { start: open + RESPONSIBILITY_OPENING.length, end: close - 1 },
      end: close,
    });
    at = close;
  }
  return measures;
}

// ── Responsibility lists ──────────────────────────────────────────────────────────────────────────────────

const UNIT_BY_FORM = new Map<string, string>();
for (const unit of UNIT_TABLE) {
  for (const form of [unit.name, ...(unit.aliases ?? [])]) {
    check(!UNIT_BY_FORM.has(form), `the unit table has "${form}" twice`);
    UNIT_BY_FORM.set(form, unit.id);
  }
}

function unitIdOf(form: string, clause: string): string {
  const id = UNIT_BY_FORM.get(form);
  check(id !== undefined, `${clause}: "${form}" is in no entry of the unit table (seeds/scripts/action-plan-units.ts)`);
  return id;
}

/** "A、B等C" names A, B and the others of C: C is a collective, listed after them. */
function namesOf(list: string): string[] {
  return list.split('、').flatMap((name) => name.split('等')).map((name) => name.trim());
}

/**
 * 责任单位 as the text gives them. "A、B牵头,C配合": A and B lead, C cooperates. A plain list ("A、B、C", once
 * with a comma: "A、B,C、D"): every unit listed is 责任单位 jointly, so all lead.
 */
export function parseResponsibility(list: string, clause: string): Omit<SeedResponsibility, 'text' | 'statedIn'> {
  const clauses = list.split(/[,，]/);
  const explicit = clauses.some((part) => part.endsWith('牵头') || part.endsWith('配合'));
  const leads: string[] = [];
  const cooperating: string[] = [];
  for (const part of clauses) {
    check(part.length > 0, `${clause}: an empty part in its 责任单位`);
    if (!explicit) {
      leads.push(...namesOf(part).map((name) => unitIdOf(name, clause)));
    } else if (part.endsWith('牵头')) {
      leads.push(...namesOf(part.slice(0, -2)).map((name) => unitIdOf(name, clause)));
    } else {
      check(part.endsWith('配合'), `${clause}: "${part}" says neither 牵头 nor 配合 where the list says both`);
      cooperating.push(...namesOf(part.slice(0, -2)).map((name) => unitIdOf(name, clause)));
    }
  }
  check(new Set(leads).size === leads.length && new Set(cooperating).size === cooperating.length, `${clause}: a unit listed twice`);
  check(leads.length > 0, `${clause}: no lead unit`);
  check(!cooperating.some((unit) => leads.includes(unit)), `${clause}: a unit both leads and cooperates`);
  return { convention: explicit ? 'lead-and-cooperating' : 'joint', leadUnitIds: leads, cooperatingUnitIds: cooperating };
}

// ── Where each unit is named ──────────────────────────────────────────────────────────────────────────────

/** Every form of every unit, longest first, so that 市政府办公室 is not read as 市政府 + 办公室. */
function unitForms(): { form: string; unitIds: readonly string[] }[] {
  const forms = [
    ...Object.entries(JOINT_FORMS).map(([form, unitIds]) => ({ form, unitIds })),
    ...[...UNIT_BY_FORM].map(([form, unitId]) => ({ form, unitIds: [unitId] })),
  ];
  return forms.sort((a, b) => b.form.length - a.form.length || (a.form < b.form ? -1 : 1));
}

function findUnits(cleaned: Tracked, regions: readonly Region[]): Map<string, SeedLocation[]> {
  const found = new Map<string, SeedLocation[]>();
  const forms = unitForms();
  const { text } = cleaned;
  for (const region of regions) {
    for (let at = region.start; at < region.end; ) {
      const match = forms.find(({ form }) => text.startsWith(form, at) && at + form.length <= region.end);
      if (match === undefined) {
        at += 1;
        continue;
      }
      for (const unitId of match.unitIds) {
        const locations = found.get(unitId) ?? [];
        locations.push({ clause: region.clause, in: region.in, form: match.form, line: lineAt(cleaned, at) });
        found.set(unitId, locations);
      }
      at += match.form.length;
    }
  }
  return found;
}

// ── The whole plan ────────────────────────────────────────────────────────────────────────────────────────

const PART_ONE = '一、总体要求';
const PART_TWO = '二、主要目标和具体措施';
const DRAFT_MARK = '(征求意见稿)';

function sectionLabels(text: string, from: number, to: number): { label: string; number: number; start: number }[] {
  const labels: { label: string; number: number; start: number }[] = [];
  for (const match of text.slice(from, to).matchAll(/\(([一二三四五六七八九十])\)/g)) {
    const number = CHINESE_NUMERALS.indexOf(match[1] as (typeof CHINESE_NUMERALS)[number]) + 1;
    check(number === labels.length + 1, `section (${CHINESE_NUMERALS[labels.length] ?? '?'}) expected, found ${match[0]}`);
    labels.push({ label: match[0], number, start: from + match.index });
  }
  return labels;
}

function firstSentence(text: string): string {
  const stop = text.indexOf('。');
  check(stop > 0, `no sentence in "${text.slice(0, 30)}"`);
  return text.slice(0, stop);
}

export function parseActionPlan(raw: string): ActionPlanSeeds {
  const { cleaned, lineCount, pageCount } = cleanSource(raw);
  const { text } = cleaned;

  const headingEnd = text.indexOf(DRAFT_MARK) + DRAFT_MARK.length;
  check(headingEnd > DRAFT_MARK.length, `no ${DRAFT_MARK} in the heading`);
  const heading = text.slice(0, headingEnd);
  const title = heading.slice(0, -DRAFT_MARK.length);
  const period = /\((\d{4})-(\d{4})年\)$/.exec(title);
  check(period?.[1] === PERIOD.from.slice(0, 4) && period[2] === PERIOD.to.slice(0, 4), `the title "${title}" names another period`);

  const partOne = text.indexOf(PART_ONE);
  const partTwo = text.indexOf(PART_TWO);
  check(partOne > headingEnd && partTwo > partOne, 'the parts 一、总体要求 and 二、主要目标和具体措施, in that order');
  const bodyStart = partTwo + PART_TWO.length;

  const regions: Region[] = [
    { start: 0, end: headingEnd, clause: 'heading', in: 'title' },
    { start: headingEnd, end: partOne, clause: 'preamble', in: 'text' },
  ];
  const partOneLabels = sectionLabels(text, partOne, partTwo);
  partOneLabels.forEach((label, index) => {
    regions.push({ start: label.start, end: partOneLabels[index + 1]?.start ?? partTwo, clause: `一${label.label}`, in: 'text' });
  });

  const labels = sectionLabels(text, bodyStart, text.length);
  check(labels.length > 0 && labels[0]?.start === bodyStart, 'part two starts with its section (一)');
  const sections: SeedSection[] = [];
  const measures: SeedMeasure[] = [];
  let truncated: ActionPlanSeeds['plan']['truncated'] = null;
  labels.forEach((label, sectionIndex) => {
    const end = labels[sectionIndex + 1]?.start ?? text.length;
    const firstMeasure = text.indexOf('1.', label.start);
    check(firstMeasure > label.start && firstMeasure < end, `section ${label.label} has no measure 1`);
    const sectionTitle = text.slice(label.start + label.label.length, firstMeasure);
    regions.push({ start: label.start, end: firstMeasure, clause: label.label, in: 'title' });
    const sectionId = `${PLAN_ID}-s${label.number}`;
    const parsed = parseMeasures(text, sectionIndex, firstMeasure, end);
    const statedList = (measure: ParsedMeasure) =>
      typeof measure.responsibility === 'object' && measure.responsibility !== null
        ? { ...measure.responsibility, clause: `${label.label}${measure.number}` }
        : null;
    for (const measure of parsed) {
      const clause = `${label.label}${measure.number}`;
      const measureText = text.slice(measure.start + `${measure.number}.`.length, measure.textEnd);
      const measureTitle = TITLE_OVERRIDES[clause] ?? firstSentence(measureText);
      regions.push({ start: measure.start, end: measure.textEnd, clause, in: 'text' });
      if (measure.responsibility === null) {
        truncated = {
          section: label.label,
          number: measure.number,
          clause,
          title: measureTitle,
          textSoFar: measureText,
          note: 'the source text breaks off inside this measure, before its (责任单位:…); the rest of the plan is not in the source. Not loaded: a measure without 责任单位 cannot be assigned.',
        };
        continue;
      }
      let stated = statedList(measure);
      if (measure.responsibility === 'shared') {
        const shared = SHARED_RESPONSIBILITY[clause];
        check(shared !== undefined, `${clause} has no (责任单位:…) of its own and SHARED_RESPONSIBILITY says nothing of it`);
        const from = parsed.find((other) => `${label.label}${other.number}` === shared.from);
        stated = from === undefined ? null : statedList(from);
        check(stated !== null, `${clause} is to share the 责任单位 of ${shared.from}, which states none`);
      } else {
        check(stated !== null && SHARED_RESPONSIBILITY[clause] === undefined, `${clause} states its own 责任单位: SHARED_RESPONSIBILITY is out of date`);
        regions.push({ start: stated.start, end: stated.end, clause, in: 'responsibility' });
      }
      const list = text.slice(stated.start, stated.end);
      measures.push({
        id: `${sectionId}-m${measure.number}`,
        sectionId,
        section: label.label,
        number: measure.number,
        clause,
        title: measureTitle,
        text: measureText,
        responsibility: { text: list, statedIn: stated.clause, ...parseResponsibility(list, clause) },
        lines: { from: lineAt(cleaned, measure.start), to: lineAt(cleaned, measure.end - 1) },
      });
    }
    sections.push({
      id: sectionId,
      part: PART_TWO,
      label: label.label,
      number: label.number,
      title: sectionTitle,
      measureCount: parsed.filter((measure) => measure.responsibility !== null).length,
      complete: parsed.every((measure) => measure.responsibility !== null),
      lines: { from: lineAt(cleaned, label.start), to: lineAt(cleaned, end - 1) },
    });
  });

  const found = findUnits(cleaned, regions);
  const units: SeedUnit[] = UNIT_TABLE.map((entry) => {
    const foundIn = found.get(entry.id) ?? [];
    check(foundIn.length > 0 || entry.added !== undefined, `the unit ${entry.id} (${entry.name}) is not found in the text`);
    return {
      id: entry.id,
      name: entry.name,
      aliases: [...(entry.aliases ?? [])],
      kind: entry.kind,
      code: entry.code?.code ?? null,
      codeSource: entry.code?.source ?? null,
      parentUnitId: entry.parentUnitId ?? null,
      note: entry.note ?? null,
      source: entry.added === undefined ? 'text' : `added: ${entry.added}`,
      foundIn,
    };
  });
  const unitIds = new Set(units.map((unit) => unit.id));
  for (const unit of units) {
    check(unit.parentUnitId === null || unitIds.has(unit.parentUnitId), `the parent of ${unit.id} is not a unit`);
  }

  const sha256 = createHash('sha256').update(raw).digest('hex');
  const plan = SeedPlan.parse({
    id: PLAN_ID,
    title,
    heading,
    status: '征求意见稿',
    issuedBy: {
      unitId: 'sz-zhengfu',
      name: '尚志市人民政府',
      stated: false,
      note: 'the draft does not name its issuer. It is the city government\'s plan for its own 法治政府建设, carried out by the city\'s departments and township governments, so the ledger records it as the city government\'s. The plans it implements were issued jointly by party committee and government (省委省政府, 哈尔滨市委市政府), and the final text may have been too.',
    },
    period: { ...PERIOD, text: `${PERIOD.from.slice(0, 4)}-${PERIOD.to.slice(0, 4)}年` },
    parts: [
      { label: '一', title: PART_ONE.slice(2) },
      { label: '二', title: PART_TWO.slice(2) },
    ],
    source: { file: SOURCE_FILE, sha256, lines: lineCount, pages: pageCount },
    truncated,
  });
  return {
    plan,
    sections: z.array(SeedSectionSchema).parse(sections),
    measures: z.array(SeedMeasureSchema).parse(measures),
    units: z.array(SeedUnitSchema).parse(units),
  };
}

/** The files as written: two-space JSON with a final newline, keys in the order the records list them. */
export function renderSeedFiles(seeds: ActionPlanSeeds): Record<(typeof SEED_FILES)[keyof typeof SEED_FILES], string> {
  const render = (value: unknown) => `${JSON.stringify(value, null, 2)}\n`;
  return {
    [SEED_FILES.plan]: render(seeds.plan),
    [SEED_FILES.sections]: render(seeds.sections),
    [SEED_FILES.measures]: render(seeds.measures),
    [SEED_FILES.units]: render(seeds.units),
  };
}

export async function readSource(): Promise<string> {
  return readFile(new URL(SOURCE_FILE.replace(/^seeds\//, ''), SEEDS_FOLDER), 'utf8');
}

async function main(): Promise<void> {
  const seeds = parseActionPlan(await readSource());
  for (const [name, content] of Object.entries(renderSeedFiles(seeds))) {
    const file = new URL(`data/${name}`, SEEDS_FOLDER);
    await writeFile(file, content, 'utf8');
    console.log(`wrote ${fileURLToPath(file)}`);
  }
  console.log(
    `${seeds.sections.length} sections, ${seeds.measures.length} measures, ${seeds.units.length} units` +
      (seeds.plan.truncated === null ? '' : `; the text breaks off in ${seeds.plan.truncated.clause}`),
  );
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await main();
}
