import { readFile } from 'node:fs/promises';
import { z } from 'zod';

// The shapes of seeds/data/*.json. They import nothing from @quanze/events on purpose: the parser that writes
// these files runs with plain `node --import tsx`, before any package is built. Whether the records fit the
// ledger's events is checked where they become events (load.ts validates every one with the catalogue).

const SeedId = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a seed id is lowercase ASCII letters, digits and "-"');
const NonEmpty = z.string().min(1);

/** Where in the source text something was read: the clause, which part of it, and the source file's line. */
export const SeedLocation = z
  .object({
    /** `heading`, `preamble`, `一(二)` (part one's subsections), `(二)` (a section's title), `(二)1` (a measure). */
    clause: NonEmpty,
    in: z.enum(['title', 'text', 'responsibility']),
    /** The words the text uses there, e.g. 市政法委 for 市委政法委, 省委省政府 for two units at once. */
    form: NonEmpty,
    /** Line of seeds/source/action-plan-2016-2020.txt (the PDF extract numbers its lines "N、"). */
    line: z.number().int().positive(),
  })
  .strict();
export type SeedLocation = z.infer<typeof SeedLocation>;

export const SeedUnitKind = z.enum([
  'government',
  'department',
  'township',
  'court',
  'procuratorate',
  'public-security',
  'party',
  'collective',
  'other',
]);
export type SeedUnitKind = z.infer<typeof SeedUnitKind>;

export const SeedUnit = z
  .object({
    id: SeedId,
    /** As the text names it (市发改局); bodies the text only names jointly (省委省政府) by their own names. */
    name: NonEmpty,
    /** Other names the text uses for the same unit. */
    aliases: z.array(NonEmpty),
    kind: SeedUnitKind,
    /** 机关代字, only where the text shows it; null otherwise. */
    code: z.string().regex(/^\p{Script=Han}{1,8}$/u).nullable(),
    /** How the code was read from the text. */
    codeSource: NonEmpty.nullable(),
    parentUnitId: SeedId.nullable(),
    note: NonEmpty.nullable(),
    /** `text` when the text names the unit; `added: <why>` when the ledger needs a unit the text does not name. */
    source: z.union([z.literal('text'), z.string().regex(/^added: .+/)]),
    foundIn: z.array(SeedLocation),
  })
  .strict();
export type SeedUnit = z.infer<typeof SeedUnit>;

export const SeedResponsibility = z
  .object({
    /** What the parenthesis says after 责任单位:, cleaned like the measure's text. */
    text: NonEmpty,
    /**
     * The clause whose parenthesis states it: the measure's own, except where the text gives a measure none and
     * it shares its neighbour's (docs/SEEDS.md).
     */
    statedIn: NonEmpty,
    /**
     * `lead-and-cooperating`: the text says who 牵头 and who 配合. `joint`: a plain list, every unit listed is a
     * 责任单位 and answers jointly, so all are leads.
     */
    convention: z.enum(['lead-and-cooperating', 'joint']),
    leadUnitIds: z.array(SeedId).min(1),
    cooperatingUnitIds: z.array(SeedId),
  })
  .strict();
export type SeedResponsibility = z.infer<typeof SeedResponsibility>;

export const SeedLines = z.object({ from: z.number().int().positive(), to: z.number().int().positive() }).strict();

export const SeedMeasure = z
  .object({
    id: SeedId,
    sectionId: SeedId,
    /** The section's numeral as the text writes it: (一), (二)… */
    section: NonEmpty,
    number: z.number().int().positive(),
    /** `(二)1`: how the plan's own cross-references and the responsibility's source name it. */
    clause: NonEmpty,
    /** The measure's heading sentence, e.g. 优化政府组织结构. */
    title: NonEmpty,
    /** The whole measure, heading included, without its number and its (责任单位:…). */
    text: NonEmpty,
    responsibility: SeedResponsibility,
    lines: SeedLines,
  })
  .strict();
export type SeedMeasure = z.infer<typeof SeedMeasure>;

export const SeedSection = z
  .object({
    id: SeedId,
    /** The part of the plan the section belongs to: 二、主要目标和具体措施. */
    part: NonEmpty,
    label: NonEmpty,
    number: z.number().int().positive(),
    title: NonEmpty,
    /** Measures of the section with their responsibility, i.e. in measures.json. */
    measureCount: z.number().int().nonnegative(),
    /** False when the source text ends inside the section. */
    complete: z.boolean(),
    lines: SeedLines,
  })
  .strict();
export type SeedSection = z.infer<typeof SeedSection>;

const CalendarDay = z.string().regex(/^\d{4}-\d{2}-\d{2}$/);

export const SeedPlan = z
  .object({
    id: SeedId,
    /** The plan's title without the draft mark. */
    title: NonEmpty,
    /** The heading exactly as printed: title and 征求意见稿. */
    heading: NonEmpty,
    /** 征求意见稿: the text is the draft circulated for comments. */
    status: NonEmpty,
    issuedBy: z
      .object({
        unitId: SeedId,
        name: NonEmpty,
        /** Whether the text itself names its issuer. */
        stated: z.boolean(),
        note: NonEmpty,
      })
      .strict(),
    period: z.object({ from: CalendarDay, to: CalendarDay, text: NonEmpty }).strict(),
    parts: z.array(z.object({ label: NonEmpty, title: NonEmpty }).strict()),
    source: z
      .object({
        file: NonEmpty,
        sha256: z.string().regex(/^[0-9a-f]{64}$/),
        lines: z.number().int().positive(),
        pages: z.number().int().positive(),
      })
      .strict(),
    /** The measure the source text breaks off in, if any: shown here, never loaded (it has no 责任单位). */
    truncated: z
      .object({
        section: NonEmpty,
        number: z.number().int().positive(),
        clause: NonEmpty,
        title: NonEmpty,
        textSoFar: NonEmpty,
        note: NonEmpty,
      })
      .strict()
      .nullable(),
  })
  .strict();
export type SeedPlan = z.infer<typeof SeedPlan>;

export interface ActionPlanSeeds {
  readonly plan: SeedPlan;
  readonly sections: readonly SeedSection[];
  readonly measures: readonly SeedMeasure[];
  readonly units: readonly SeedUnit[];
}

/** The files of seeds/data, in the order they are written. */
export const SEED_FILES = {
  plan: 'plan.json',
  sections: 'sections.json',
  measures: 'measures.json',
  units: 'units.json',
} as const;

/** seeds/data, from src/ as from dist/ (both one level below seeds/). */
export const SEED_DATA_FOLDER = new URL('../data/', import.meta.url);

async function readJson(name: string): Promise<unknown> {
  return JSON.parse(await readFile(new URL(name, SEED_DATA_FOLDER), 'utf8')) as unknown;
}

/** Reads and validates the committed seed files. */
export async function readActionPlanSeeds(): Promise<ActionPlanSeeds> {
  const [plan, sections, measures, units] = await Promise.all([
    readJson(SEED_FILES.plan),
    readJson(SEED_FILES.sections),
    readJson(SEED_FILES.measures),
    readJson(SEED_FILES.units),
  ]);
  return {
    plan: SeedPlan.parse(plan),
    sections: z.array(SeedSection).parse(sections),
    measures: z.array(SeedMeasure).parse(measures),
    units: z.array(SeedUnit).parse(units),
  };
}
