import { z } from 'zod';
import { defineEvent } from '../definition.js';
import { CalendarDate, Id, Text } from '../primitives.js';

/**
 * 重大行政决策 — a major administrative decision taken at a collective discussion (集体讨论决定).
 * Rules: 重大行政决策程序暂行条例 (国务院令第713号); see docs/RULES.md.
 */
export const DecisionMadeV1 = z
  .object({
    decisionId: Id,
    title: Text(300),
    summary: Text(20_000),
    /** 第3条: decisions come from the published list of decision items (决策事项目录), or say why not. */
    decisionItem: z.discriminatedUnion('listed', [
      z.object({ listed: z.literal(true), entryId: Id }),
      z.object({ listed: z.literal(false), reason: Text() }),
    ]),
    /** 第11条: exactly one lead unit (牵头), any number of cooperating ones. */
    leadUnitId: Id,
    cooperatingUnitIds: z.array(Id).max(100).default([]),
    /** 第30条: the meeting that decided: a standing (常务会议) or plenary (全体会议) meeting. */
    meeting: z.object({
      meetingId: Id,
      kind: z.enum(['standing', 'plenary']),
      heldOn: CalendarDate,
    }),
    outcome: z.enum(['adopted', 'adopted-with-amendments', 'not-adopted', 'deferred']),
    /** 行政首长: the head who decides, after every member has spoken. */
    headPersonId: Id,
    majorityOpinion: z.enum(['for', 'against', 'divided']),
    /** 第30条: a decision that differs from the majority needs the head's reasons, recorded as given. */
    differsFromMajority: z.boolean(),
    headReasons: Text(20_000).nullable().default(null),
    /** The legal and policy grounds the decision rests on: laws, regulations, our documents by number. */
    legalBasis: z.array(Text(300)).max(100).default([]),
  })
  .refine((decision) => !decision.differsFromMajority || decision.headReasons !== null, {
    path: ['headReasons'],
    message: 'a decision that differs from the majority needs the head’s reasons (713号 第30条)',
  })
  .describe('decision.made.v1 — 重大行政决策 作出决定');

export const decisionMadeV1 = defineEvent('decision.made.v1', DecisionMadeV1);
export type DecisionMadeV1 = z.infer<typeof DecisionMadeV1>;

/** Every event of a decision's stream: services/decisions. */
export const decisionEvents = [decisionMadeV1] as const;
