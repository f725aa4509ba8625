import type { Actor } from '@quanze/events';
import { DAY_MS, chinaDayOf, dateOf, isoOf, yearOfDay } from './calendar.js';
import type { CertificateState, PersonState, UnitState } from './city.js';
import type { IssuedDocument } from './registries.js';
import { Timeline } from './timeline.js';
import { ENFORCEMENT_AREAS, firmName } from './vocabulary.js';
import type { Plan, World } from './world.js';

/** The rule a planted case breaks (docs/FLAGS.md), or none. */
export type CaseFlaw =
  | 'case.cites-invalid-document'
  | 'case.officer-not-certified'
  | 'case.decision-overdue'
  | 'case.publication-late'
  | 'case.withdrawal-late'
  | 'case.transfer-approval-late'
  | 'case.transfer-dispatch-late'
  | 'case.transfer-receipt-late'
  | 'case.police-decision-late'
  | 'case.penalty-instead-of-transfer';

interface TeamMember {
  readonly person: PersonState;
  readonly certificate: CertificateState;
}

type Path = 'penalty' | 'no-penalty' | 'crime';

function officerData(member: TeamMember): { personId: string; certificateId: string; certificateValidUntil: string; issuingUnitId: string; scope: string } {
  return {
    personId: member.person.personId,
    certificateId: member.certificate.certificateId,
    certificateValidUntil: dateOf(member.certificate.validUntil),
    issuingUnitId: member.certificate.issuingUnitId,
    scope: member.certificate.scope,
  };
}

/** Enforcement units that can take a case now: stable, with an enforcement area and a weight. */
export function enforcementUnits(world: World): UnitState[] {
  return [...world.city.units.values()].filter((unit) => unit.stable && unit.endedOn === null && unit.enforcement !== null && unit.caseWeight > 0);
}

/**
 * One enforcement case (行政执法案件) from 立案 to 结案 as docs/ENFORCEMENT.md describes it: officers certified on
 * every day they act, evidence, notice of rights, hearing, legal review of major cases, decision, publication in
 * days, execution; a suspected crime goes to the police with its materials, within the hours and days of 310号, and
 * the answers come back. A `flaw` breaks exactly one flagged rule (and records the flag it must raise).
 */
export function planCase(world: World, launchDay: number, flaw: CaseFlaw | null, variantIndex = 0): Plan | null {
  const { city, random, registries, planted, writer } = world;
  const units = enforcementUnits(world);
  if (units.length === 0) return null;
  const unit = random.weighted(units.map((candidate) => [candidate, candidate.caseWeight] as const));
  const unitId = unit.unitId;
  const area = unit.enforcement ?? ENFORCEMENT_AREAS.MARKET;
  const caseId = `c-${yearOfDay(launchDay)}-${String(world.registries.nextSequence('case')).padStart(6, '0')}`;
  const streamId = `case-${caseId}`;
  const subject = { kind: 'case' as const, id: caseId };

  const crimeFlaw =
    flaw === 'case.transfer-approval-late' ||
    flaw === 'case.transfer-dispatch-late' ||
    flaw === 'case.transfer-receipt-late' ||
    flaw === 'case.police-decision-late';
  const path: Path = crimeFlaw ? 'crime' : flaw !== null ? 'penalty' : random.weighted([['penalty', 0.88], ['no-penalty', 0.08], ['crime', 0.04]]);
  const enforcementKind = flaw !== null ? 'penalty' : random.weighted([['penalty', 0.85], ['compulsory-measure', 0.1], ['other', 0.05]] as const);
  const major = flaw === null && path !== 'crime' && random.chance(0.08);
  const publicationDeadline = enforcementKind === 'penalty' ? 7 : 20;

  const t = new Timeline(random, launchDay);
  const clerk = (): Actor => city.actorOf(city.holder(unitId, 'clerk'));
  const head = (): Actor => city.actorOf(city.head(unitId));
  const records = (title: string, count = 1): { title: string; sha256: string }[] =>
    Array.from({ length: count }, (_, index) => ({ title: count === 1 ? title : `${title}(${index + 1})`, sha256: random.hex(32) }));
  const officerDays: number[] = [];
  let team: TeamMember[] = [];
  let badFirstTeam: { member: TeamMember; problem: string } | null = null;
  let cited: IssuedDocument | null = null;
  let invalidCitation: { number: string; reason: string; issued: IssuedDocument | null; at: 'opened' | 'decided' } | null = null;
  const ids: Record<string, string> = {};
  const emit = (type: string, data: Record<string, unknown>, actor: Actor, instant: number, causation: string | null = null): string =>
    writer.emit(streamId, type, { caseId, ...data }, actor, instant, { causationId: causation, correlationId: ids.opened ?? null });

  const party =
    random.weighted([
      ['legal-person', 0.6],
      ['individual-business', 0.3],
      ['natural-person', 0.1],
    ] as const) ;
  const partyData =
    party === 'legal-person'
      ? { kind: party, name: firmName(random), reference: null }
      : { kind: party, name: null, reference: `${party === 'natural-person' ? 'zr' : 'gt'}-${random.hex(5)}` };
  const violation = random.pick(area.violations);
  const lawBasis = { kind: 'law' as const, title: area.law, article: random.pick(area.articles) };
  const basisWith = (document: string | null): unknown[] =>
    document === null ? [lawBasis] : [lawBasis, { kind: 'document', documentNumber: document, article: null }];

  // 立案
  t.onDay(launchDay, (instant) => {
    const citation = invalidCitation?.at === 'opened' ? invalidCitation.number : (cited?.formatted ?? null);
    ids.opened = emit(
      'case.opened.v1',
      {
        unitId,
        title: `${partyData.name ?? '当事人'}${violation}案`,
        enforcementKind,
        major,
        party: partyData,
        legalBasis: basisWith(citation),
        openedOn: dateOf(chinaDayOf(instant)),
        records: records('立案审批表'),
      },
      clerk(),
      instant,
    );
    if (invalidCitation?.at === 'opened') plantCitation(instant, ids.opened);
  });
  const plantCitation = (instant: number, eventId: string): void => {
    if (invalidCitation === null) return;
    planted.add({
      code: 'case.cites-invalid-document',
      subject,
      unitId,
      status: 'raised',
      raisedBy: [...(invalidCitation.issued === null ? [] : [invalidCitation.issued.issuedEventId]), ...(invalidCitation.reason === 'abolished' && invalidCitation.issued?.abolishedEventId != null ? [invalidCitation.issued.abolishedEventId] : []), eventId],
      raisedOn: dateOf(chinaDayOf(instant)),
      details: { reason: invalidCitation.reason, cited: invalidCitation.number },
      discriminator: invalidCitation.number,
    });
  };

  // 指派执法人员 (with a reassignment when the first team had an uncertified officer)
  t.onDay(launchDay, (instant) => {
    const officers = badFirstTeam === null ? team : [badFirstTeam.member, team[0] as TeamMember];
    ids.assigned = emit('case.officersAssigned.v1', { officers: officers.map(officerData), assignedOn: dateOf(chinaDayOf(instant)) }, clerk(), instant);
    if (badFirstTeam !== null) {
      const { member, problem } = badFirstTeam;
      const raisedBy = [
        ...(problem === 'no-such-certificate' ? [] : [member.certificate.certifiedEventId]),
        ...(problem === 'revoked' && member.certificate.revokedEventId !== null ? [member.certificate.revokedEventId] : []),
        ids.assigned,
      ];
      planted.add({
        code: 'case.officer-not-certified',
        subject,
        unitId,
        status: 'raised',
        raisedBy,
        raisedOn: dateOf(chinaDayOf(instant)),
        details: { problem },
        discriminator: member.person.personId,
      });
    }
  });
  officerDays.push(launchDay);
  if (flaw === 'case.officer-not-certified') {
    t.onDay(launchDay + random.int(1, 3), (instant) => {
      emit('case.officersAssigned.v1', { officers: team.map(officerData), assignedOn: dateOf(chinaDayOf(instant)) }, clerk(), instant);
    });
  }

  // 证据 (全过程记录)
  const evidenceCount = random.int(1, 4);
  const appraisal = path === 'crime' && random.chance(0.4);
  let day = t.lastDay;
  for (let i = 0; i < evidenceCount; i += 1) {
    day = Math.max(day, launchDay + random.int(1, 20));
    const kind = appraisal && i === 0 ? 'appraisal' : random.pick(['documentary', 'physical', 'audio-video', 'electronic-data', 'witness-statement', 'party-statement', 'inspection-record'] as const);
    const index = i + 1;
    const instant = t.onDay(day, (at) => {
      const collector = random.pick(team);
      emit(
        'case.evidenceRecorded.v1',
        {
          evidenceId: `${caseId}-e${index}`,
          kind,
          title: `${kind === 'appraisal' ? '检验报告' : '证据材料'}(${index})`,
          sha256: random.hex(32),
          collectedBy: collector.person.personId,
          recordedOn: dateOf(chinaDayOf(at)),
        },
        clerk(),
        at,
      );
    });
    day = chinaDayOf(instant);
    officerDays.push(day);
  }

  let transferOutcome: 'none' | 'refused-by-head' | 'accepted' | 'returned' = 'none';
  let suspectedCrime = false;
  let outcome: 'penalty' | 'no-penalty' = path === 'no-penalty' ? 'no-penalty' : 'penalty';

  // 涉嫌犯罪: marked (the 以罚代刑 plant stops here, and goes on with a fine)
  if (path === 'crime' || flaw === 'case.penalty-instead-of-transfer') {
    suspectedCrime = true;
    t.onDay(t.lastDay + random.int(0, 3), (instant) => {
      ids.suspected = emit('case.crimeSuspected.v1', { grounds: `${violation}, 涉案金额或者情节可能达到刑事追诉标准`, suspectedOn: dateOf(chinaDayOf(instant)) }, clerk(), instant);
    });
  }
  if (path === 'crime') {
    const transferId = `${caseId}-t1`;
    // Mostly the police (公安); now and then the procuratorate, or a court (拒不执行判决、裁定 and the like).
    const receiver = flaw === null ? random.weighted([['public-security', 0.9], ['procuratorate', 0.07], ['court', 0.03]] as const) : 'public-security';
    const authority =
      receiver === 'procuratorate'
        ? { unitId: 'sz-jianchayuan', kind: 'procuratorate' as const }
        : receiver === 'court'
          ? { unitId: 'sz-fayuan', kind: 'court' as const }
          : { unitId: 'sz-gonganju', kind: 'public-security' as const };
    const offence = receiver === 'court' ? '拒不执行判决、裁定罪' : random.pick(area.offences);
    let current = authority;
    const reportInstant = t.after(60, 240, (instant) => {
      const reporters = team.slice(0, 2).map((member) => member.person.personId);
      ids.reported = emit(
        'case.transferReported.v1',
        { transferId, receivingAuthority: authority, suspectedOffence: offence, reportingOfficerIds: reporters, reportedAt: isoOf(instant), records: records('涉嫌犯罪案件调查报告') },
        clerk(),
        instant,
      );
    });
    const reportDay = chinaDayOf(reportInstant);
    officerDays.push(reportDay);
    const refused = flaw === null && random.chance(0.05);
    const decideTransfer = (instant: number): void => {
      if (refused) {
        ids.refused = emit(
          'case.transferRefused.v1',
          { transferId, refusedBy: head().personId, reasons: '经审查, 涉案金额未达到刑事追诉标准, 不予移送, 依法作出行政处理', refusedAt: isoOf(instant) },
          head(),
          instant,
          ids.reported,
        );
        return;
      }
      const actor = head();
      ids.approved = emit('case.transferApproved.v1', { transferId, approvedBy: actor.personId, approvedAt: isoOf(instant) }, actor, instant, ids.reported);
      ids.approvedAt = isoOf(instant);
      ids.approvedBy = actor.personId;
      if (flaw === 'case.transfer-approval-late') {
        planted.add({ code: flaw, subject, unitId, status: 'late', raisedBy: [ids.reported ?? '', ids.approved], raisedOn: dateOf(reportDay + 4), details: {} });
      }
    };
    const approvalInstant =
      flaw === 'case.transfer-approval-late' ? t.onDay(reportDay + random.int(5, 7), decideTransfer) : t.after(90, 1200, decideTransfer);
    if (refused) {
      transferOutcome = 'refused-by-head';
      outcome = 'no-penalty';
    } else {
      const [dispatchMin, dispatchMax] = flaw === 'case.transfer-dispatch-late' ? [30 * 60, 60 * 60] : [45, 360];
      const dispatchInstant = t.after(dispatchMin, dispatchMax, (instant) => {
        const materials = [
          { kind: 'transfer-letter', title: '涉嫌犯罪案件移送书', sha256: random.hex(32) },
          { kind: 'investigation-report', title: '涉嫌犯罪案件情况的调查报告', sha256: random.hex(32) },
          { kind: 'seized-items-inventory', title: '涉案物品清单', sha256: random.hex(32) },
          ...(appraisal ? [{ kind: 'appraisal-report', title: '检验报告', sha256: random.hex(32) }] : []),
        ];
        ids.transferred = emit(
          'case.transferred.v1',
          {
            transferId,
            fromUnitId: unitId,
            receivingAuthority: authority,
            suspectedOffence: offence,
            approvedBy: ids.approvedBy,
            approvedAt: ids.approvedAt,
            reportingOfficerIds: team.slice(0, 2).map((member) => member.person.personId),
            materials,
          },
          clerk(),
          instant,
          ids.approved,
        );
        if (flaw === 'case.transfer-dispatch-late') {
          planted.add({
            code: flaw,
            subject,
            unitId,
            status: 'late',
            raisedBy: [ids.approved ?? '', ids.transferred],
            raisedOn: dateOf(chinaDayOf(approvalInstant + DAY_MS + 1)),
            details: {},
          });
        }
      });
      const judicial = (unit: string): Actor => city.actorOf(city.holder(unit, 'judicial'));
      const [receiptMin, receiptMax] = flaw === 'case.transfer-receipt-late' ? [30 * 60, 70 * 60] : [30, 300];
      const receiptInstant = t.after(receiptMin, receiptMax, (instant) => {
        const actor = judicial(authority.unitId);
        ids.received = emit(
          'case.transferReceived.v1',
          { transferId, unitId: authority.unitId, receivedBy: actor.personId, receivedAt: isoOf(instant), receiptNumber: `回执〔${yearOfDay(chinaDayOf(instant))}〕${random.int(1, 999)}号` },
          actor,
          instant,
          ids.transferred,
        );
        if (flaw === 'case.transfer-receipt-late') {
          planted.add({
            code: flaw,
            subject,
            unitId: authority.unitId,
            status: 'late',
            raisedBy: [ids.transferred ?? '', ids.received],
            raisedOn: dateOf(chinaDayOf(dispatchInstant + DAY_MS + 1)),
            details: {},
          });
        }
      });
      let receivedDay = chinaDayOf(receiptInstant);
      if (flaw === null && authority.kind === 'public-security' && random.chance(0.08)) {
        // 不属管辖: forwarded to the forest police, which signs its own receipt.
        const target = { unitId: 'sz-senlin-gonganju', kind: 'public-security' as const };
        t.after(60, 600, (instant) => {
          const actor = judicial(authority.unitId);
          emit(
            'case.transferForwarded.v1',
            { transferId, fromUnitId: authority.unitId, to: target, forwardedBy: actor.personId, reasons: '涉嫌破坏森林资源, 属森林公安管辖', forwardedAt: isoOf(instant) },
            actor,
            instant,
            ids.received,
          );
        });
        const secondReceipt = t.after(60, 600, (instant) => {
          const actor = judicial(target.unitId);
          ids.received = emit('case.transferReceived.v1', { transferId, unitId: target.unitId, receivedBy: actor.personId, receivedAt: isoOf(instant), receiptNumber: null }, actor, instant);
        });
        receivedDay = chinaDayOf(secondReceipt);
        current = target;
      }
      const returned = flaw === null && random.chance(0.3);
      const answerDay = flaw === 'case.police-decision-late' ? receivedDay + random.int(5, 7) : receivedDay + 1;
      t.onDay(answerDay, (instant) => {
        const actor = judicial(current.unitId);
        if (returned) {
          ids.returned = emit(
            'case.transferReturned.v1',
            { transferId, unitId: current.unitId, returnedBy: actor.personId, reasons: '经审查, 没有犯罪事实, 不予立案, 退回移送机关', returnedAt: isoOf(instant) },
            actor,
            instant,
            ids.received,
          );
        } else {
          ids.accepted = emit(
            'case.transferAccepted.v1',
            { transferId, unitId: current.unitId, acceptedBy: actor.personId, criminalCaseNumber: `${yearOfDay(chinaDayOf(instant))}刑${random.int(100, 999)}`, acceptedAt: isoOf(instant) },
            actor,
            instant,
            ids.received,
          );
          if (flaw === 'case.police-decision-late') {
            planted.add({ code: flaw, subject, unitId: current.unitId, status: 'late', raisedBy: [ids.received ?? '', ids.accepted], raisedOn: dateOf(receivedDay + 4), details: {} });
          }
        }
      });
      let accepted = !returned;
      if (returned) {
        transferOutcome = 'returned';
        if (random.chance(0.5)) {
          t.onDay(t.lastDay + 1, (instant) => {
            emit('case.reconsiderationRequested.v1', { transferId, reasons: '认为应当立案, 提请复议', requestedAt: isoOf(instant), records: records('提请复议书') }, clerk(), instant, ids.returned);
          });
          const opened = random.chance(0.4);
          t.onDay(t.lastDay + 1, (instant) => {
            const actor = judicial(current.unitId);
            emit(
              'case.reconsiderationAnswered.v1',
              {
                transferId,
                unitId: current.unitId,
                answeredBy: actor.personId,
                outcome: opened ? 'case-opened' : 'refusal-upheld',
                reasons: opened ? null : '复议后认为仍不符合立案条件, 维持不予立案决定',
                answeredAt: isoOf(instant),
              },
              actor,
              instant,
            );
          });
          if (opened) {
            accepted = true;
          } else if (random.chance(0.5)) {
            t.onDay(t.lastDay + 1, (instant) => {
              emit(
                'case.supervisionRequested.v1',
                { transferId, procuratorateUnitId: 'sz-jianchayuan', reasons: '建议检察机关依法进行立案监督', requestedAt: isoOf(instant), records: records('立案监督建议书') },
                clerk(),
                instant,
              );
            });
          }
        }
      }
      if (accepted) {
        transferOutcome = 'accepted';
        t.onDay(t.lastDay + random.int(0, 1), (instant) => {
          const actor = judicial(current.unitId);
          emit('case.seizedItemsHandedOver.v1', { transferId, unitId: current.unitId, receivedBy: actor.personId, inventorySha256: random.hex(32), handedOverOn: dateOf(chinaDayOf(instant)) }, actor, instant);
        });
        t.onDay(t.lastDay + random.int(2, 10), (instant) => {
          emit(
            'case.closed.v1',
            { disposition: 'transferred', reasons: null, closedOn: dateOf(chinaDayOf(instant)), suspectedCrime: true, penaltyImposed: false, transferOutcome: 'accepted', records: records('结案报告') },
            clerk(),
            instant,
          );
        });
      }
    }
  }

  // The administrative way: every case but a transfer taken up by the police.
  const administrative = transferOutcome !== 'accepted';
  let decisionDay = launchDay;
  if (administrative) {
    if (outcome === 'penalty') {
      const hearingOffered = random.chance(0.35);
      t.onDay(t.lastDay + random.int(3, 10), (instant) => {
        emit(
          'case.rightsNotified.v1',
          { intendedPenalty: `拟作出罚款的行政处罚`, hearingOffered, notifiedOn: dateOf(chinaDayOf(instant)), records: records('行政处罚事先告知书') },
          clerk(),
          instant,
        );
      });
      if (hearingOffered && flaw === null && random.chance(0.3)) {
        t.onDay(t.lastDay + random.int(1, 2), (instant) => {
          emit('case.hearingRequested.v1', { requestedOn: dateOf(chinaDayOf(instant)), records: records('听证申请书') }, clerk(), instant);
        });
        t.onDay(t.lastDay + random.int(4, 8), (instant) => {
          emit('case.hearingHeld.v1', { presidedBy: city.holder(unitId, 'legal').person.personId, heldOn: dateOf(chinaDayOf(instant)), records: records('听证笔录') }, clerk(), instant);
        });
      }
    }
    if (major) {
      const failedFirst = random.chance(0.05);
      const review = (outcomeOfReview: 'passed' | 'failed') => (instant: number) => {
        const reviewer = city.holder(unitId, 'legal');
        emit(
          'case.legalReviewed.v1',
          {
            reviewedBy: reviewer.person.personId,
            outcome: outcomeOfReview,
            opinion: outcomeOfReview === 'passed' ? '事实清楚, 证据确凿, 适用依据正确, 程序合法, 同意' : '证据不足, 退回补充调查',
            reviewedOn: dateOf(chinaDayOf(instant)),
            records: records('法制审核意见书'),
          },
          city.actorOf(reviewer),
          instant,
        );
      };
      if (failedFirst) t.onDay(t.lastDay + random.int(2, 5), review('failed'));
      t.onDay(t.lastDay + random.int(2, 6), review('passed'));
    }
    const decisionTarget = flaw === 'case.decision-overdue' ? launchDay + random.int(100, 125) : t.lastDay + random.int(2, 7);
    const fine = random.int(5, 500) * 10_000;
    const penaltyKind = enforcementKind === 'penalty' ? 'fine' : enforcementKind === 'compulsory-measure' ? 'suspension-of-business' : 'other';
    const penalties = penaltyKind === 'fine' ? [{ kind: 'fine', amountFen: fine, description: null }] : [{ kind: penaltyKind, amountFen: null, description: '责令停业整顿' }];
    const decisionInstant = t.onDay(decisionTarget, (instant) => {
      const decided = chinaDayOf(instant);
      const citation = invalidCitation?.at === 'decided' ? invalidCitation.number : invalidCitation?.at === 'opened' ? null : (cited?.formatted ?? null);
      const actor = head();
      ids.decided = emit(
        'case.decided.v1',
        {
          decidedBy: actor.personId,
          outcome,
          penalties: outcome === 'penalty' ? penalties : [],
          legalBasis: basisWith(citation),
          decisionNumber: city.nextPenaltyNumber(unitId, yearOfDay(decided)),
          decisionTextSha256: random.hex(32),
          collectiveDiscussion: major ? { meetingId: `${caseId}-m1`, heldOn: dateOf(decided) } : null,
          decidedOn: dateOf(decided),
          records: records('行政处罚决定书'),
        },
        actor,
        instant,
      );
      if (invalidCitation?.at === 'decided') plantCitation(instant, ids.decided);
      if (flaw === 'case.decision-overdue') {
        planted.add({ code: flaw, subject, unitId, status: 'late', raisedBy: [ids.opened ?? '', ids.decided], raisedOn: dateOf(launchDay + 91), details: {} });
      }
    });
    decisionDay = chinaDayOf(decisionInstant);
    officerDays.push(decisionDay);
    const publicationMissing = flaw === 'case.publication-late' && variantIndex % 3 === 2;
    if (!publicationMissing) {
      const publicationDay = flaw === 'case.publication-late' ? decisionDay + (publicationDeadline === 7 ? random.int(30, 40) : random.int(60, 70)) : decisionDay + random.int(0, 2);
      t.onDay(publicationDay, (instant) => {
        ids.published = emit(
          'case.published.v1',
          {
            publishedOn: dateOf(chinaDayOf(instant)),
            deadlineWorkingDays: publicationDeadline,
            channel: random.pick(['website', 'credit-platform'] as const),
            reference: `尚志市人民政府网站 行政执法公示 ${dateOf(chinaDayOf(instant))}`,
            summary: `${partyData.kind === 'legal-person' ? partyData.name : '当事人'}${violation}, 依法作出${outcome === 'penalty' ? '行政处罚' : '不予行政处罚'}决定`,
          },
          clerk(),
          instant,
          ids.decided,
        );
        if (flaw === 'case.publication-late') {
          planted.add({ code: flaw, subject, unitId, status: 'late', raisedBy: [ids.decided ?? '', ids.published], raisedOn: null, details: { deadlineWorkingDays: String(publicationDeadline) } });
        }
      });
    } else {
      t.onDay(decisionDay, () => {
        planted.add({ code: 'case.publication-late', subject, unitId, status: 'open', raisedBy: [ids.decided ?? ''], raisedOn: null, details: { deadlineWorkingDays: String(publicationDeadline) } });
      });
      // The plan records nothing at this step: its event goes back to the budget.
    }
    let revoked = false;
    if (!publicationMissing && outcome === 'penalty' && (flaw === 'case.withdrawal-late' || (flaw === null && random.chance(0.03)))) {
      revoked = flaw === 'case.withdrawal-late' ? random.chance(0.5) : random.chance(0.5);
      const change = revoked ? 'revoked' : 'changed';
      const changeInstant = t.onDay(t.lastDay + random.int(10, 30), (instant) => {
        ids.changed = emit(
          'case.decisionChanged.v1',
          {
            change,
            by: random.pick(['self-correction', 'administrative-reconsideration', 'court-judgment'] as const),
            reasons: revoked ? '经行政复议, 原处罚决定认定事实不清, 予以撤销' : '经复查, 罚款数额调整',
            newDecisionTextSha256: revoked ? null : random.hex(32),
            changedOn: dateOf(chinaDayOf(instant)),
            wasPublished: true,
          },
          clerk(),
          instant,
          ids.decided,
        );
      });
      const changeDay = chinaDayOf(changeInstant);
      const withdrawal = (instant: number): void => {
        ids.withdrawn = emit(
          'case.publicationWithdrawn.v1',
          { withdrawnOn: dateOf(chinaDayOf(instant)), reference: `尚志市人民政府网站 撤下公示 ${dateOf(chinaDayOf(instant))}`, reasons: '原决定已变更或撤销' },
          clerk(),
          instant,
          ids.changed,
        );
        if (flaw === 'case.withdrawal-late') {
          planted.add({ code: flaw, subject, unitId, status: 'late', raisedBy: [ids.changed ?? '', ids.withdrawn], raisedOn: dateOf(changeDay + 4), details: {} });
        }
      };
      if (flaw === 'case.withdrawal-late') t.onDay(changeDay + random.int(5, 8), withdrawal);
      else t.after(10, 120, withdrawal);
    }
    if (outcome === 'penalty' && !revoked) {
      t.onDay(t.lastDay + random.int(5, 25), (instant) => {
        emit(
          'case.executed.v1',
          { manner: random.weighted([['voluntary', 0.85], ['compulsory', 0.1], ['court-enforced', 0.05]] as const), paidFen: penaltyKind === 'fine' ? fine : null, executedOn: dateOf(chinaDayOf(instant)), records: records('执行记录') },
          clerk(),
          instant,
        );
      });
    }
    const disposition = revoked ? 'terminated' : outcome === 'penalty' ? 'executed' : 'no-penalty';
    t.onDay(t.lastDay + random.int(1, 6), (instant) => {
      ids.closed = emit(
        'case.closed.v1',
        {
          disposition,
          reasons: revoked ? '原处罚决定已撤销, 终止' : null,
          closedOn: dateOf(chinaDayOf(instant)),
          suspectedCrime,
          penaltyImposed: outcome === 'penalty' && !revoked,
          transferOutcome,
          records: records('结案报告'),
        },
        clerk(),
        instant,
      );
      if (flaw === 'case.penalty-instead-of-transfer') {
        planted.add({ code: flaw, subject, unitId, status: 'raised', raisedBy: [ids.suspected ?? '', ids.decided ?? '', ids.closed], raisedOn: dateOf(chinaDayOf(instant)), details: {} });
      }
    });
  }

  if (t.lastDay > world.endDay) return null;
  // Who works the case: officers certified, and staying, from the first step naming them to the last.
  const lastOfficerDay = Math.max(...officerDays);
  const available = city.availableOfficers(unitId, launchDay, lastOfficerDay);
  const teamSize = Math.min(available.length, random.chance(0.2) ? 3 : 2);
  if (teamSize < 2) return null;
  team = random.sample(available, teamSize);
  city.reserve(
    team.map((member) => member.person),
    lastOfficerDay,
  );

  // Whether a cited document (ours, by number) is in force from the opening to the decision.
  if (flaw === 'case.cites-invalid-document') {
    invalidCitation = chooseInvalidCitation(world, launchDay, decisionDay, variantIndex);
  } else if (administrative && random.chance(0.3)) {
    cited = registries.pickCitable(random, launchDay, decisionDay);
    if (cited !== null && cited.citedUntil < decisionDay) cited.citedUntil = decisionDay;
  }
  if (flaw === 'case.officer-not-certified') {
    badFirstTeam = chooseUncertifiedOfficer(world, unitId, launchDay, team, variantIndex);
    if (badFirstTeam === null) return null;
  }
  if (flaw === null && administrative && decisionDay - launchDay >= 90) throw new TypeError(`case ${caseId} planned to decide after 90 days`);
  return { kind: 'case', timeline: t };
}

/** A citation of a document not valid on the day (docs/FLAGS.md `case.cites-invalid-document`), by variant. */
function chooseInvalidCitation(
  world: World,
  openedDay: number,
  decidedDay: number,
  variantIndex: number,
): { number: string; reason: string; issued: IssuedDocument | null; at: 'opened' | 'decided' } {
  const { registries, random } = world;
  const wanted = ['abolished', 'expired', 'not-yet-effective', 'not-issued'][variantIndex % 4];
  if (wanted === 'abolished') {
    const abolished = registries.documents.filter((document) => document.abolished && document.abolishedOn !== null && document.abolishedOn <= decidedDay && document.abolishedOn > document.effectiveFrom && document.validUntil >= decidedDay);
    if (abolished.length > 0) {
      const document = random.pick(abolished);
      return { number: document.formatted, reason: 'abolished', issued: document, at: 'decided' };
    }
  }
  if (wanted === 'expired' || wanted === 'abolished') {
    const expired = registries.documents.filter((document) => document.validUntil < decidedDay && (document.abolishedOn === null || document.abolishedOn > decidedDay));
    if (expired.length > 0) {
      const document = random.pick(expired);
      return { number: document.formatted, reason: 'expired', issued: document, at: 'decided' };
    }
  }
  if (wanted !== 'not-issued') {
    const pending = registries.documents.filter((document) => document.issuedOn <= openedDay && document.effectiveFrom > openedDay);
    if (pending.length > 0) {
      const document = random.pick(pending);
      return { number: document.formatted, reason: 'not-yet-effective', issued: document, at: 'opened' };
    }
  }
  // A number no document ever had: a year before the history, which no register of the city reaches.
  const year = yearOfDay(world.startDay) - 1;
  return { number: `尚政规〔${year}〕${random.int(50, 99)}号`, reason: 'not-issued', issued: null, at: 'opened' };
}

/** An officer whose certificate is not valid on the day (expired, revoked, or none at all). */
function chooseUncertifiedOfficer(world: World, unitId: string, day: number, team: readonly TeamMember[], variantIndex: number): { member: TeamMember; problem: string } | null {
  const { city, random } = world;
  const onTeam = new Set(team.map((member) => member.person.personId));
  const wanted = ['expired', 'revoked', 'no-such-certificate'][variantIndex % 3];
  const candidates: { member: TeamMember; problem: string }[] = [];
  for (const person of city.persons.values()) {
    if (onTeam.has(person.personId) || person.expert) continue;
    for (const certificate of person.certificates) {
      if (wanted === 'expired' && certificate.validUntil < day && (certificate.revokedOn === null || certificate.revokedOn > day)) {
        candidates.push({ member: { person, certificate }, problem: 'expired' });
      }
      if (wanted === 'revoked' && certificate.revokedOn !== null && certificate.revokedOn <= day && certificate.validUntil >= day && certificate.validFrom <= day) {
        candidates.push({ member: { person, certificate }, problem: 'revoked' });
      }
    }
  }
  if (candidates.length > 0) return random.pick(candidates);
  // A clerk of the unit sent out as an officer, with a card number the ledger never issued.
  const clerk = city.holder(unitId, 'clerk');
  if (clerk.person.certificates.length > 0 || onTeam.has(clerk.person.personId)) return null;
  const certificate: CertificateState = {
    certificateId: `zfz-x${random.hex(4)}`,
    scope: '未取得执法资格',
    issuingUnitId: city.legalOfficeId,
    validFrom: day,
    validUntil: day + 365,
    revokedOn: null,
    certifiedEventId: '',
    revokedEventId: null,
  };
  return { member: { person: clerk.person, certificate }, problem: 'no-such-certificate' };
}
