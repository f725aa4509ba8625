/**
 * The flags the read model raises: docs/FLAGS.md is the exact catalogue (conditions, deadlines, what "now" means),
 * and the synthetic-city generator plants violations from it. Keep the two together.
 */

export type FlagSeverity = 'high' | 'medium' | 'low';
export type FlagSubjectKind = 'decision' | 'document' | 'case' | 'inspection' | 'register';

export interface FlagRule {
  /** The rule behind the flag, as RULES.md cites it. */
  readonly article: string;
  readonly summary: string;
  /** `immediate`: judged on one event. `deadline`: a pending deadline, raised once it passes unmet. */
  readonly kind: 'immediate' | 'deadline';
}

export const flagRules = {
  'decision.discussion-without-passed-review': {
    article: '重大行政决策程序暂行条例 第25条',
    summary: 'collective discussion without a passed legality review (探索性改革 exception, or none)',
    kind: 'immediate',
  },
  'decision.head-overrode-majority': {
    article: '重大行政决策程序暂行条例 第30条',
    summary: 'the head decided differently from the majority of the meeting',
    kind: 'immediate',
  },
  'decision.short-comment-period': {
    article: '重大行政决策程序暂行条例 第15条',
    summary: 'comment period under 30 days without a stated reason',
    kind: 'immediate',
  },
  'decision.short-legality-review': {
    article: '重大行政决策程序暂行条例 第26条',
    summary: 'legality review in fewer than 7 working days',
    kind: 'immediate',
  },
  'document.short-comment-period': {
    article: '优化营商环境条例 第62条',
    summary: 'document affecting business: comment period under 30 days without a stated reason',
    kind: 'immediate',
  },
  'document.legality-review-outside-window': {
    article: '国办发〔2018〕115号',
    summary: 'legality review in fewer than 5 or more than 15 working days',
    kind: 'immediate',
  },
  'document.filing-late': {
    article: '法规规章备案审查条例 第4条',
    summary: 'not filed (备案) within 30 days of publication',
    kind: 'deadline',
  },
  'document.numbering-gap': {
    article: '行动方案 (二)2 三统一',
    summary: 'a serial skipped in an authority’s numbering register for the year',
    kind: 'immediate',
  },
  'case.cites-invalid-document': {
    article: '行动方案 (二)3; 立法法 第116条',
    summary: 'a case cites a document number not valid on that day',
    kind: 'immediate',
  },
  'case.officer-not-certified': {
    article: '行政处罚法 第42、55条',
    summary: 'an officer without a valid certificate (持证上岗) named in a step',
    kind: 'immediate',
  },
  'inspection.inspector-not-certified': {
    article: '行政处罚法 第42条',
    summary: 'an inspector without a valid certificate (持证上岗) named in the results',
    kind: 'immediate',
  },
  'case.decision-overdue': {
    article: '行政处罚法 第60条',
    summary: 'no decision within 90 days of opening',
    kind: 'deadline',
  },
  'case.publication-late': {
    article: '国办发〔2018〕118号',
    summary: 'decision not published within 7 (penalty) or 20 working days',
    kind: 'deadline',
  },
  'case.withdrawal-late': {
    article: '行政处罚法 第48条',
    summary: 'a published decision changed or revoked, not withdrawn within 3 days',
    kind: 'deadline',
  },
  'case.transfer-approval-late': {
    article: '行政执法机关移送涉嫌犯罪案件的规定 第5条',
    summary: 'the head did not approve or refuse the transfer within 3 days',
    kind: 'deadline',
  },
  'case.transfer-dispatch-late': {
    article: '行政执法机关移送涉嫌犯罪案件的规定 第5条',
    summary: 'the approved transfer not sent within 24 hours',
    kind: 'deadline',
  },
  'case.transfer-receipt-late': {
    article: '行政执法机关移送涉嫌犯罪案件的规定 第7条',
    summary: 'the receiving authority gave no receipt within 24 hours',
    kind: 'deadline',
  },
  'case.police-decision-late': {
    article: '行政执法机关移送涉嫌犯罪案件的规定 第8条',
    summary: 'the receiving authority did not accept or return the transfer within 3 days of receipt',
    kind: 'deadline',
  },
  'case.penalty-instead-of-transfer': {
    article: '行政执法机关移送涉嫌犯罪案件的规定 第10条',
    summary: '以罚代刑: a suspected crime closed with a penalty, no transfer taken up and no refusal on record',
    kind: 'immediate',
  },
  'inspection.results-publication-late': {
    article: '企业信息公示暂行条例 第6、14条',
    summary: 'inspection results not published within 20 working days',
    kind: 'deadline',
  },
} as const satisfies Record<string, FlagRule>;

export type FlagCode = keyof typeof flagRules;

export const FLAG_CODES = Object.keys(flagRules) as FlagCode[];

/** What the procuratorate supervises (310号 第14条): transfers and 以罚代刑, for every unit. */
export const PROCURATORATE_FLAG_CODES: readonly FlagCode[] = [
  'case.transfer-approval-late',
  'case.transfer-dispatch-late',
  'case.transfer-receipt-late',
  'case.police-decision-late',
  'case.penalty-instead-of-transfer',
];

export function isFlagCode(code: string): code is FlagCode {
  return Object.hasOwn(flagRules, code);
}
