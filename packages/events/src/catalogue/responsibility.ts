import { z } from 'zod';
import { defineEvent } from '../definition.js';
import { CalendarDate, Id, Text } from '../primitives.js';

export const ResponsibilitySubjectKind = z.enum(['measure', 'decision', 'document', 'case']);

/**
 * 责任单位: who answers for a subject, e.g. a measure of the action plan ("责任单位:市发改局、市编办…").
 * Units merge and are renamed; responsibility then passes to the successor, which read models derive
 * from the organisation's events rather than by rewriting this one.
 */
export const ResponsibilityAssignedV1 = z
  .object({
    subject: z.object({ kind: ResponsibilitySubjectKind, id: Id }),
    /** 牵头单位: usually one; the plan names several for some measures ("…牵头"). */
    leadUnitIds: z.array(Id).min(1, 'a responsibility has at least one lead unit'),
    /** 配合单位 */
    cooperatingUnitIds: z.array(Id).default([]),
    /** Persons answerable by name, where the source names them. */
    responsiblePersonIds: z.array(Id).default([]),
    /** Where the assignment comes from, e.g. the action plan and its clause (二)1. */
    source: z.object({ document: Text(300), clause: Text(100) }),
    effectiveFrom: CalendarDate,
  })
  .refine(
    (assignment) => assignment.cooperatingUnitIds.every((unit) => !assignment.leadUnitIds.includes(unit)),
    { path: ['cooperatingUnitIds'], message: 'a unit is lead or cooperating, not both' },
  )
  .describe('responsibility.assigned.v1 — 责任单位 确定');

export const responsibilityAssignedV1 = defineEvent('responsibility.assigned.v1', ResponsibilityAssignedV1);
export type ResponsibilityAssignedV1 = z.infer<typeof ResponsibilityAssignedV1>;
