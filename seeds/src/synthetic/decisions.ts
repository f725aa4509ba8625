import type { Actor } from '@quanze/events';
import { chinaDayOf, dateOf, weekdayOnOrAfter, yearOfDay } from './calendar.js';
import type { PersonState, UnitState } from './city.js';
import type { DecisionInForce } from './registries.js';
import { Timeline } from './timeline.js';
import { decisionTitle } from './vocabulary.js';
import type { Plan, World } from './world.js';

export type DecisionFlaw =
  | 'decision.discussion-without-passed-review'
  | 'decision.head-overrode-majority'
  | 'decision.short-comment-period'
  | 'decision.short-legality-review';

type Opinion = 'for' | 'against' | 'abstain';
type Outcome = 'adopted' | 'adopted-with-amendments' | 'not-adopted' | 'deferred';

/** The government whose standing meeting decides: its head (市长) decides, its members speak first. */
const DECISION_ORGAN = 'sz-zhengfu';

/** The services' majority (713号 第30条, decisions' `majorityOf`): more than half `for` or `against`, else divided. */
export function majorityOf(opinions: readonly Opinion[]): 'for' | 'against' | 'divided' {
  const forCount = opinions.filter((opinion) => opinion === 'for').length;
  const againstCount = opinions.filter((opinion) => opinion === 'against').length;
  if (forCount * 2 > opinions.length) return 'for';
  if (againstCount * 2 > opinions.length) return 'against';
  return 'divided';
}

export function differsFromMajority(majority: 'for' | 'against' | 'divided', outcome: Outcome): boolean {
  if (majority === 'for') return outcome !== 'adopted' && outcome !== 'adopted-with-amendments';
  if (majority === 'against') return outcome !== 'not-adopted';
  return false;
}

/** Opinions of `count` members that give the outcome its majority: the head then never overrides it. */
function opinionsFor(world: World, outcome: Outcome, count: number): Opinion[] {
  const { random } = world;
  for (let attempt = 0; attempt < 50; attempt += 1) {
    const opinions: Opinion[] = Array.from({ length: count }, () => {
      if (outcome === 'adopted' || outcome === 'adopted-with-amendments') return random.weighted([['for', 0.85], ['abstain', 0.1], ['against', 0.05]] as const);
      if (outcome === 'not-adopted') return random.weighted([['against', 0.7], ['abstain', 0.2], ['for', 0.1]] as const);
      return random.weighted([['for', 0.4], ['against', 0.35], ['abstain', 0.25]] as const);
    });
    const majority = majorityOf(opinions);
    const wanted = outcome === 'not-adopted' ? 'against' : outcome === 'deferred' ? 'divided' : 'for';
    if (majority === wanted) return opinions;
  }
  if (outcome === 'deferred') return Array.from({ length: count }, (_, index) => (index % 2 === 0 ? 'for' : 'against'));
  return Array.from({ length: count }, () => (outcome === 'not-adopted' ? 'against' : 'for'));
}

function leadUnits(world: World): UnitState[] {
  return [...world.city.units.values()].filter((unit) => unit.stable && unit.endedOn === null && unit.leadsDecisions);
}

/**
 * One major administrative decision (重大行政决策), docs/DECISIONS.md: proposed by a handling unit, public participation
 * of at least 30 days, experts and risk assessment where they apply, a legality review of weeks, the government's
 * standing meeting (every member's opinion, the head last, never against the majority), publication, reports,
 * sometimes an evaluation, a suspension or a revocation. A `flaw` breaks one flagged rule.
 */
export function planDecision(world: World, launchDay: number, flaw: DecisionFlaw | null, variantIndex = 0): Plan | null {
  const { city, random, registries, planted, writer } = world;
  const leads = leadUnits(world);
  if (leads.length < 3) return null;
  const lead = random.pick(leads);
  const leadUnitId = lead.unitId;
  const cooperatingUnitIds = random.sample(leads.filter((unit) => unit !== lead).map((unit) => unit.unitId), random.int(0, 2));
  const year = yearOfDay(launchDay);
  const decisionId = `d-${year}-${String(world.registries.nextSequence('decision')).padStart(4, '0')}`;
  const streamId = `decision-${decisionId}`;
  const subject = { kind: 'decision' as const, id: decisionId };
  const title = decisionTitle(random, year);
  const t = new Timeline(random, launchDay);
  const clerk = (): Actor => city.actorOf(city.holder(leadUnitId, 'clerk'));
  const ids: Record<string, string> = {};
  const emit = (type: string, data: Record<string, unknown>, actor: Actor, instant: number, causation: string | null = null): string =>
    writer.emit(streamId, type, { decisionId, ...data }, actor, instant, { causationId: causation, correlationId: ids.proposed ?? null });

  const bypass = flaw === 'decision.discussion-without-passed-review' && variantIndex % 2 === 1;
  const exploratory = flaw === 'decision.discussion-without-passed-review' && !bypass;
  const publicParticipation = !bypass && (flaw === 'decision.short-comment-period' || random.chance(0.75));
  const expertArgumentation = !bypass && random.chance(0.5);
  const riskAssessment = !bypass && random.chance(0.4);
  const riskRevised = riskAssessment && flaw === null && random.chance(0.1);
  const decisionItem = random.chance(0.9) ? { listed: true, entryId: `jcml-${year}-${String(random.int(1, 40)).padStart(2, '0')}` } : { listed: false, reason: '因上级部署临时增加, 尚未列入年度决策事项目录' };
  const determination = (applies: boolean, why: string) =>
    applies ? { applies: true, reason: why } : { applies: false, reason: '不属于该程序适用情形', legalGround: '重大行政决策程序暂行条例 第14、19、22条' };

  // Who proposed and who decided, as they were then: a later finding (问责) holds them responsible.
  const answerable = { proposerId: '', deciderId: '' };
  t.onDay(launchDay, (instant) => {
    const proposer = city.holders(leadUnitId, 'deputy')[0] ?? city.head(leadUnitId);
    answerable.proposerId = proposer.person.personId;
    ids.proposed = emit(
      'decision.proposed.v1',
      {
        title,
        draftSummary: `${title}的决策草案: 目标、措施、实施步骤和保障`,
        decisionItem,
        decisionOrganUnitId: DECISION_ORGAN,
        leadUnitId,
        cooperatingUnitIds,
        proposedBy: proposer.person.personId,
        conditionalSteps: {
          publicParticipation: determination(publicParticipation, '涉及群众切身利益'),
          expertArgumentation: determination(expertArgumentation, '专业性、技术性较强'),
          riskAssessment: determination(riskAssessment && !riskRevised, '可能影响社会稳定'),
        },
      },
      clerk(),
      instant,
    );
  });
  if (riskRevised) {
    t.onDay(launchDay + random.int(1, 5), (instant) => {
      emit('decision.stepApplicabilityRevised.v1', { step: 'riskAssessment', determination: determination(true, '经进一步研判, 可能引发群体性事件, 应当进行风险评估') }, clerk(), instant);
    });
  }
  if (flaw === null && cooperatingUnitIds.length > 0 && random.chance(0.06)) {
    const other = cooperatingUnitIds[0] as string;
    t.onDay(t.lastDay + random.int(1, 6), (instant) => {
      emit(
        'decision.disagreementRecorded.v1',
        {
          matter: '资金分担比例',
          positions: [
            { unitId: leadUnitId, view: '按受益比例分担', statedBy: city.head(leadUnitId).person.personId },
            { unitId: other, view: '由市级财政统一保障', statedBy: city.head(other).person.personId },
          ],
          referredToDecisionOrgan: true,
        },
        clerk(),
        instant,
      );
    });
  }

  // 公众参与
  if (publicParticipation) {
    const shortWithReason = flaw === null && random.chance(0.04);
    const period = flaw === 'decision.short-comment-period' ? random.int(10, 25) : shortWithReason ? random.int(15, 25) : random.int(30, 40);
    const openedInstant = t.onDay(t.lastDay + random.int(3, 12), (instant) => {
      const opened = chinaDayOf(instant);
      const id = emit(
        'decision.commentPeriodOpened.v1',
        {
          channel: 'website',
          reference: `尚志市人民政府网站 ${title} 公开征求意见`,
          openedOn: dateOf(opened),
          closesOn: dateOf(opened + period),
          periodDays: period,
          shortPeriodReason: shortWithReason ? '上级明确完成时限, 依法缩短征求意见期限' : null,
        },
        clerk(),
        instant,
      );
      if (flaw === 'decision.short-comment-period') {
        planted.add({ code: flaw, subject, unitId: leadUnitId, status: 'raised', raisedBy: [id], raisedOn: dateOf(opened), details: { days: String(period) } });
      }
    });
    const opened = chinaDayOf(openedInstant);
    if (random.chance(0.25) && period >= 15) {
      const heldDay = weekdayOnOrAfter(opened + random.int(10, Math.min(20, period - 2)));
      t.onDay(heldDay, (instant) => {
        const participants = random.int(8, 30);
        emit(
          'decision.hearingHeld.v1',
          {
            heldOn: dateOf(chinaDayOf(instant)),
            materialsSentOn: dateOf(chinaDayOf(instant) - random.int(8, 12)),
            presidedBy: (city.holders(leadUnitId, 'deputy')[0] ?? city.head(leadUnitId)).person.personId,
            participantCount: participants,
            signatoryCount: participants,
            recordSha256: random.hex(32),
          },
          clerk(),
          instant,
        );
      });
    }
    t.onDay(Math.max(t.lastDay, opened + period) + random.int(1, 7), (instant) => {
      const received = random.int(0, 120);
      const adopted = random.int(0, received);
      emit(
        'decision.commentsHandled.v1',
        {
          received,
          adopted,
          notAdopted: received - adopted,
          notAdoptedReasons: received - adopted > 0 ? [{ summary: '建议扩大补贴范围', reason: '超出本级财政承受能力' }] : [],
          summary: `共收到意见${received}条, 采纳${adopted}条`,
          feedbackReference: '尚志市人民政府网站 意见采纳情况反馈',
        },
        clerk(),
        instant,
      );
    });
  }
  // 专家论证
  const expertIds: string[] = [];
  if (expertArgumentation) {
    const experts = [...city.persons.values()].filter((person) => person.expert);
    const chosen = random.sample(experts, Math.min(experts.length, random.int(2, 4)));
    for (const expert of chosen) {
      expertIds.push(expert.personId);
      t.onDay(t.lastDay + random.int(0, 10), (instant) => {
        emit(
          'decision.expertOpinionSigned.v1',
          {
            expertPersonId: expert.personId,
            institutionId: random.chance(0.5) ? 'org-hlj-daxue-faxueyuan' : null,
            expertise: random.pick(['行政法', '城市规划', '财政金融', '环境工程', '公共管理']),
            stance: random.weighted([['supports', 0.6], ['supports-with-conditions', 0.35], ['opposes', 0.05]] as const),
            opinion: '方案总体可行, 建议进一步完善配套措施',
            signedOn: dateOf(chinaDayOf(instant)),
            conflictOfInterest: { directInterest: false, declaration: '本人与该决策事项无直接利害关系' },
          },
          clerk(),
          instant,
        );
      });
    }
  }
  // 风险评估: by staff of the lead unit or the 综治办, never later evaluators.
  const assessors: PersonState[] = [];
  if (riskAssessment) {
    t.onDay(t.lastDay + random.int(5, 30), (instant) => {
      const pool = [...city.holders(leadUnitId, 'clerk'), ...city.holders('sz-zongzhiban', 'clerk')];
      const chosen = random.sample(pool, Math.min(pool.length, random.int(1, 2)));
      assessors.push(...chosen.map((staffed) => staffed.person));
      emit(
        'decision.riskAssessed.v1',
        {
          assessorPersonIds: chosen.map((staffed) => staffed.person.personId),
          assessingOrganisationId: random.chance(0.3) ? 'org-hlj-shehui-wending-pinggu-zhongxin' : null,
          riskLevel: random.weighted([['low', 0.6], ['medium', 0.35], ['high', 0.05]] as const),
          conclusion: '风险总体可控',
          mitigation: '做好政策解读和舆情应对',
          reportSha256: random.hex(32),
          completedOn: dateOf(chinaDayOf(instant)),
        },
        clerk(),
        instant,
      );
    });
  }

  // 合法性审查 by the legal office: weeks, never under 7 working days (20–30 calendar days always are).
  let latestReview: { conclusion: string; completedOn: string; reviewerPersonIds: string[] } | null = null;
  const review = (span: number, conclusion: 'lawful' | 'lawful-with-amendments' | 'unlawful', planted_: boolean): void => {
    const completed = weekdayOnOrAfter(t.lastDay + span + random.int(1, 5));
    const started = completed - span;
    t.onDay(
      completed,
      (instant) => {
        const reviewers = random.sample(city.holders(city.legalOfficeId, 'reviewer'), random.int(1, 2));
        const first = reviewers[0];
        if (first === undefined) throw new TypeError('the legal office has no reviewer');
        const reviewerPersonIds = reviewers.map((staffed) => staffed.person.personId);
        ids.review = emit(
          'decision.legalityReviewed.v1',
          {
            reviewerPersonIds,
            startedOn: dateOf(started),
            completedOn: dateOf(completed),
            conclusion,
            opinion: conclusion === 'unlawful' ? '部分措施缺乏法律依据, 不宜提交审议' : '决策草案符合法律法规规定',
            opinionSha256: random.hex(32),
          },
          city.actorOf(first),
          instant,
        );
        latestReview = { conclusion, completedOn: dateOf(completed), reviewerPersonIds };
        if (planted_) {
          planted.add({ code: 'decision.short-legality-review', subject, unitId: leadUnitId, status: 'raised', raisedBy: [ids.review], raisedOn: dateOf(completed), details: { calendarDays: String(span) } });
        }
      },
      { anyDay: true },
    );
  };
  let legalRisk: { legalRiskStatement: string; statedBy: string } | null = null;
  if (!bypass) {
    if (flaw === 'decision.short-legality-review') review(random.int(0, 3), 'lawful', true);
    else if (exploratory) {
      review(random.int(20, 30), 'unlawful', false);
      t.onDay(t.lastDay + random.int(3, 10), (instant) => {
        const head = city.head(DECISION_ORGAN);
        const statement = '本事项属于国家尚无明确规定的探索性改革, 存在一定法律风险, 决策机关明示并承担该风险';
        ids.legalRisk = emit('decision.legalRiskStated.v1', { legalRiskStatement: statement, statedBy: head.person.personId, statedOn: dateOf(chinaDayOf(instant)) }, city.actorOf(head), instant);
        legalRisk = { legalRiskStatement: statement, statedBy: head.person.personId };
      });
    } else {
      const first = random.weighted([['lawful', 0.85], ['lawful-with-amendments', 0.12], ['unlawful', 0.03]] as const);
      review(random.int(20, 30), first, false);
      if (first === 'unlawful') review(random.int(20, 30), 'lawful', false);
    }
  }

  // 集体讨论决定: the standing meeting; every member present speaks, the head decides last.
  const outcome: Outcome =
    flaw === 'decision.head-overrode-majority' ? 'not-adopted' : flaw !== null ? 'adopted' : random.weighted([['adopted', 0.88], ['adopted-with-amendments', 0.06], ['not-adopted', 0.03], ['deferred', 0.03]] as const);
  const meeting = (meetingNumber: number, meetingOutcome: Outcome, meetingDay: number): void => {
    const meetingId = `${decisionId}-m${meetingNumber}`;
    const members = city.holders(DECISION_ORGAN, 'member');
    const absent = members.length > 3 && random.chance(0.15) ? random.pick(members).person.personId : null;
    const speaking = members.filter((member) => member.person.personId !== absent);
    const opinions = flaw === 'decision.head-overrode-majority' ? speaking.map((): Opinion => 'for') : opinionsFor(world, meetingOutcome, speaking.length);
    const opinionIds: string[] = [];
    let heldOn = '';
    if (bypass) {
      // An imported record: a decision with no meeting convened and no legality review behind it.
      t.onDay(meetingDay, (instant) => {
        heldOn = dateOf(chinaDayOf(instant));
      });
    } else {
      t.onDay(meetingDay, (instant) => {
        heldOn = dateOf(chinaDayOf(instant));
        const head = city.head(DECISION_ORGAN);
        const convened = emit(
          'decision.collectiveDiscussionConvened.v1',
          {
            meetingId,
            kind: random.chance(0.85) ? 'standing' : 'plenary',
            heldOn,
            headPersonId: head.person.personId,
            attendance: [head, ...members].map((member) => ({
              personId: member.person.personId,
              present: member.person.personId !== absent,
              absenceReason: member.person.personId === absent ? '因公出差' : null,
            })),
            materials: { draft: true, opinionHandling: true, riskReport: true, legalityOpinion: true, fairCompetitionReview: true },
            marketsAffected: random.chance(0.4),
            legality: { review: latestReview, exploratoryReform: legalRisk },
          },
          clerk(),
          instant,
        );
        if (exploratory && meetingNumber === 1) {
          planted.add({
            code: 'decision.discussion-without-passed-review',
            subject,
            unitId: DECISION_ORGAN,
            status: 'raised',
            raisedBy: [ids.review ?? '', ids.legalRisk ?? '', convened],
            raisedOn: heldOn,
            details: { variant: 'exploratory-reform' },
          });
        }
      });
      speaking.forEach((member, index) => {
        t.after(3, 15, (instant) => {
          opinionIds.push(
            emit(
              'decision.memberOpinionGiven.v1',
              {
                meetingId,
                memberPersonId: member.person.personId,
                opinion: opinions[index] ?? 'for',
                statement: opinions[index] === 'against' ? '不同意, 建议进一步论证' : opinions[index] === 'abstain' ? '弃权' : '同意',
              },
              clerk(),
              instant,
            ),
          );
        });
      });
    }
    t.after(5, 20, (instant) => {
      const head = city.head(DECISION_ORGAN);
      answerable.deciderId = head.person.personId;
      const majority = bypass ? 'divided' : majorityOf(opinions);
      const overriding = flaw === 'decision.head-overrode-majority';
      const withReasons = overriding && variantIndex % 2 === 0;
      ids.made = emit(
        'decision.made.v1',
        {
          title,
          summary: `${title}: ${meetingOutcome === 'deferred' ? '暂缓决定, 进一步论证后再议' : '决定事项及实施要求'}`,
          decisionItem,
          leadUnitId,
          cooperatingUnitIds,
          meeting: { meetingId, kind: 'standing', heldOn },
          outcome: meetingOutcome,
          headPersonId: head.person.personId,
          majorityOpinion: majority,
          differsFromMajority: overriding ? withReasons : false,
          headReasons: withReasons ? '财政承受能力评估尚未完成, 行政首长决定不予通过' : null,
          legalBasis: ['重大行政决策程序暂行条例', '黑龙江省重大行政决策程序暂行规定'],
        },
        city.actorOf(head),
        instant,
      );
      if (overriding) {
        planted.add({
          code: 'decision.head-overrode-majority',
          subject,
          unitId: DECISION_ORGAN,
          status: 'raised',
          raisedBy: [...opinionIds, ids.made],
          raisedOn: heldOn,
          details: { severity: withReasons ? 'medium' : 'high' },
        });
      }
      if (bypass) {
        planted.add({ code: 'decision.discussion-without-passed-review', subject, unitId: DECISION_ORGAN, status: 'raised', raisedBy: [ids.made], raisedOn: heldOn, details: { variant: 'no-passed-review' } });
      }
      if (meetingOutcome === 'adopted' || meetingOutcome === 'adopted-with-amendments') {
        inForce = { decisionId, leadUnitId, cooperatingUnitIds, freeFrom: world.endDay + 1, inForce: true };
        registries.decisions.push(inForce);
      }
    });
  };
  let inForce: DecisionInForce | null = null;
  const firstMeeting = t.lastDay + random.int(bypass ? 20 : 3, bypass ? 40 : 20);
  if (outcome === 'deferred') {
    meeting(1, 'deferred', firstMeeting);
    meeting(2, 'adopted', t.lastDay + random.int(14, 40));
  } else {
    meeting(1, outcome, firstMeeting);
  }
  if (outcome === 'not-adopted') return t.lastDay > world.endDay ? null : finish(t, () => inForce);

  // 决策公布, then what follows while it is in force (only what fits before the end of the history).
  t.onDay(t.lastDay + random.int(1, 10), (instant) => {
    emit(
      'decision.published.v1',
      { channel: random.pick(['website', 'gazette'] as const), reference: `尚志市人民政府公报 ${dateOf(chinaDayOf(instant))}`, publishedOn: dateOf(chinaDayOf(instant)), opinionAdoption: '公众意见和专家论证意见的采纳情况已一并公布' },
      clerk(),
      instant,
    );
  });
  const reportIds: string[] = [];
  const reportCount = random.int(0, 3);
  let plannedReports = 0;
  let reportDay = t.lastDay;
  for (let i = 0; i < reportCount; i += 1) {
    reportDay = weekdayOnOrAfter(reportDay + random.int(60, 200));
    if (reportDay > world.endDay - 5) break;
    plannedReports += 1;
    const reportingUnitId = random.pick([leadUnitId, ...cooperatingUnitIds]);
    t.onDay(reportDay, (instant) => {
      const reportingClerk = city.holder(reportingUnitId, 'clerk');
      reportIds.push(
        emit(
          'decision.implementationReported.v1',
          {
            reportingUnitId,
            responsiblePersonId: city.head(reportingUnitId).person.personId,
            reportedOn: dateOf(chinaDayOf(instant)),
            progress: '各项措施按计划推进',
            problems: random.chance(0.3) ? '部分资金尚未到位' : null,
          },
          city.actorOf(reportingClerk),
          instant,
        ),
      );
    });
  }
  const evaluationDay = weekdayOnOrAfter(t.lastDay + random.int(30, 90));
  if (flaw === null && plannedReports > 0 && random.chance(0.18) && evaluationDay < world.endDay - 60) {
    const recommendation = random.weighted([['continue', 0.55], ['adjust', 0.2], ['suspend', 0.13], ['revoke', 0.12]] as const);
    t.onDay(evaluationDay, (instant) => {
      const evaluators = random
        .sample(city.holders(city.legalOfficeId, 'reviewer'), 1)
        .map((staffed) => staffed.person.personId)
        .filter((personId) => !assessors.some((assessor) => assessor.personId === personId) && !expertIds.includes(personId));
      ids.evaluated = emit(
        'decision.evaluated.v1',
        {
          trigger: random.pick(['aims-clearly-missed', 'many-opinions', 'deemed-necessary'] as const),
          evaluatorPersonIds: evaluators.length > 0 ? evaluators : [city.holder(city.legalOfficeId, 'head').person.personId],
          evaluatingOrganisationId: random.chance(0.3) ? 'org-hlj-daxue-fazhi-yanjiuyuan' : null,
          completedOn: dateOf(chinaDayOf(instant)),
          conclusion: recommendation === 'continue' ? '实施效果良好' : '实施效果未达预期',
          recommendation,
          reportSha256: random.hex(32),
          inResponseTo: [...reportIds],
        },
        clerk(),
        instant,
      );
    });
    const organ = (): Actor => city.actorOf(city.head(DECISION_ORGAN));
    if (recommendation === 'suspend') {
      t.onDay(t.lastDay + random.int(10, 30), (instant) => {
        const actor = organ();
        ids.suspended = emit('decision.suspended.v1', { decidedBy: actor.personId, suspendedOn: dateOf(chinaDayOf(instant)), reasons: '根据评估意见中止执行', inResponseTo: [ids.evaluated] }, actor, instant);
        if (inForce !== null) inForce.inForce = false;
      });
      const resume = random.chance(0.5);
      t.onDay(t.lastDay + random.int(30, 90), (instant) => {
        const actor = organ();
        if (resume) {
          emit('decision.resumed.v1', { decidedBy: actor.personId, resumedOn: dateOf(chinaDayOf(instant)), reasons: '问题已整改, 恢复执行', inResponseTo: [ids.suspended] }, actor, instant);
          if (inForce !== null) inForce.inForce = true;
        } else {
          emit('decision.revoked.v1', { decidedBy: actor.personId, revokedOn: dateOf(chinaDayOf(instant)), reasons: '经评估, 决定停止执行', meetingId: null, inResponseTo: [ids.suspended] }, actor, instant);
        }
      });
    } else if (recommendation === 'revoke') {
      t.onDay(t.lastDay + random.int(10, 40), (instant) => {
        const actor = organ();
        ids.revoked = emit('decision.revoked.v1', { decidedBy: actor.personId, revokedOn: dateOf(chinaDayOf(instant)), reasons: '经评估, 决定撤销', meetingId: `${decisionId}-m9`, inResponseTo: [ids.evaluated] }, actor, instant);
        if (inForce !== null) inForce.inForce = false;
      });
      // 问责: half the revoked decisions are followed by a finding of the 纪委, within the history, against the
      // proposer (who may have moved since) and sometimes the mayor who decided, faulting the decision itself.
      const findingDay = weekdayOnOrAfter(t.lastDay + random.int(30, 90));
      if (random.chance(0.5) && findingDay < world.endDay - 5) {
        const proposerMeasure = random.pick(['admonishment', 'circulated-criticism', 'demerit'] as const);
        const mayorToo = random.chance(0.3);
        const findingId = `f-${decisionId}`;
        const supervisor = (): Actor => city.actorOf(city.holders('sz-jiwei', 'clerk')[0] ?? city.head('sz-jiwei'));
        t.onDay(findingDay, (instant) => {
          const held: { personId: string; unitId: string; responsibility: string; measures: string[] }[] = [
            { personId: answerable.proposerId, unitId: leadUnitId, responsibility: 'direct', measures: [proposerMeasure] },
          ];
          if (mayorToo && answerable.deciderId !== answerable.proposerId) {
            held.push({ personId: answerable.deciderId, unitId: DECISION_ORGAN, responsibility: 'principal-leadership', measures: ['ordered-self-examination'] });
          }
          writer.emit(
            `finding-${findingId}`,
            'finding.recorded.v1',
            {
              findingId,
              subject,
              heldResponsible: held,
              basis: '重大行政决策程序暂行条例 第38条',
              conclusion: '决策实施后明显未达到预期效果, 经评估予以撤销, 决策过程中论证不充分',
              decidedOn: dateOf(chinaDayOf(instant)),
              inResponseTo: [ids.made],
            },
            supervisor(),
            instant,
            { causationId: ids.revoked ?? null, correlationId: ids.proposed ?? null },
          );
        });
        // Some findings are overturned on appeal (申诉) a few weeks later.
        const withdrawalDay = weekdayOnOrAfter(findingDay + random.int(20, 60));
        if (random.chance(0.25) && withdrawalDay < world.endDay - 5) {
          t.onDay(withdrawalDay, (instant) => {
            writer.emit(
              `finding-${findingId}`,
              'finding.withdrawn.v1',
              { findingId, subject, ground: 'appeal', reasons: '申诉成立, 撤销原问责决定', withdrawnOn: dateOf(chinaDayOf(instant)) },
              supervisor(),
              instant,
              { correlationId: ids.proposed ?? null },
            );
          });
        }
      }
    }
  }
  return t.lastDay > world.endDay ? null : finish(t, () => inForce);
}

/** The decision's own steps end on the plan's last day; follow-up reports may come after. */
function finish(t: Timeline, inForce: () => DecisionInForce | null): Plan {
  const lastDay = t.lastDay;
  t.onDay(lastDay, () => {
    const decision = inForce();
    if (decision !== null) decision.freeFrom = lastDay + 1;
  }, { anyDay: true });
  return { kind: 'decision', timeline: t };
}
