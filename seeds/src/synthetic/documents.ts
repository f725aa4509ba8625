import type { Actor } from '@quanze/events';
import { addYears, chinaDayOf, dateOf, instantAt, weekdayOnOrAfter, yearOfDay } from './calendar.js';
import type { UnitState } from './city.js';
import type { IssuedDocument } from './registries.js';
import type { Process } from './scheduler.js';
import { Timeline } from './timeline.js';
import { documentTitle } from './vocabulary.js';
import type { Plan, World } from './world.js';
import { launch } from './world.js';

export type DocumentFlaw = 'document.short-comment-period' | 'document.legality-review-outside-window' | 'document.filing-late' | 'document.numbering-gap';

/** Units whose clerks draft normative documents: stable units that issue documents and have clerks. */
function draftingUnits(world: World): UnitState[] {
  return [...world.city.units.values()].filter(
    (unit) => unit.stable && unit.endedOn === null && unit.issuesDocuments && unit.posts.some((post) => post.role === 'clerk'),
  );
}

/** Who decides on an issued document for its issuing unit (evaluation, clean-up, abolition, expiry). */
function issuerOfficial(world: World, unitId: string): Actor {
  const { city } = world;
  const legal = city.holders(unitId, 'legal');
  return city.actorOf(legal[0] ?? city.head(unitId));
}

/**
 * One normative document (规范性文件), docs/DOCUMENTS.md: drafted by a unit's clerk, opinions sought for at least 30
 * days, legality review of 5 to 15 working days by the legal office, approved by the issuing unit's meeting, a
 * gap-free number from the `docnumber-<code>-<year>` register (三统一), issued with a validity of at most five years,
 * filed within weeks. A `flaw` breaks one flagged rule; `replacing` is the document a clean-up decided to revise,
 * abolished when this one takes effect.
 */
export function planDocument(world: World, launchDay: number, flaw: DocumentFlaw | null, variantIndex = 0, replacing: IssuedDocument | null = null): Plan | null {
  const { city, random, registries, planted, writer } = world;
  const drafting = replacing === null ? draftingUnits(world) : draftingUnits(world).filter((unit) => unit.unitId === replacing.draftingUnitId);
  if (drafting.length === 0) return null;
  const draftingUnit = random.pick(drafting);
  const issuingUnit =
    replacing !== null
      ? city.unit(replacing.issuingUnitId)
      : random.weighted([
          [draftingUnit, draftingUnit.code === null ? 0 : 0.65],
          [city.unit('sz-zhengfu'), 0.25],
          [city.unit('sz-zhengfu-bangongshi'), 0.1],
        ] as const);
  if (issuingUnit.code === null || issuingUnit.endedOn !== null) return null;
  const documentId = `n-${yearOfDay(launchDay)}-${String(world.registries.nextSequence('document')).padStart(5, '0')}`;
  const streamId = `document-${documentId}`;
  const subject = { kind: 'document' as const, id: documentId };
  const draftingUnitId = draftingUnit.unitId;
  const issuingUnitId = issuingUnit.unitId;
  const title = replacing === null ? documentTitle(random, issuingUnit.name) : `${issuingUnit.name}关于修订${replacing.formatted}的通知`;
  const affectsBusiness = flaw === 'document.short-comment-period' ? true : random.chance(0.5);
  const t = new Timeline(random, launchDay);
  const clerk = (): Actor => city.actorOf(city.holder(draftingUnitId, 'clerk'));
  const head = (): Actor => city.actorOf(city.head(issuingUnitId));
  const ids: Record<string, string> = {};
  let text = random.hex(32);
  const emit = (type: string, data: Record<string, unknown>, actor: Actor, instant: number, causation: string | null = null): string =>
    writer.emit(streamId, type, { documentId, ...data }, actor, instant, { causationId: causation, correlationId: ids.drafted ?? null });

  t.onDay(launchDay, (instant) => {
    ids.drafted = emit('document.drafted.v1', { title, draftingUnitId, issuingUnitId, textSha256: text, affectsBusiness, summary: null }, clerk(), instant);
  });
  const revise = (reason: string) => (instant: number) => {
    text = random.hex(32);
    emit('document.draftRevised.v1', { title, textSha256: text, reason }, clerk(), instant);
  };
  if (random.chance(0.1)) t.onDay(launchDay + random.int(2, 8), revise('根据起草调研情况修改'));

  // 征求意见: at least 30 days (a shorter period only with its reason, or as a plant).
  const shortWithReason = flaw === null && affectsBusiness && random.chance(0.04);
  const period = flaw === 'document.short-comment-period' ? random.int(10, 25) : shortWithReason ? random.int(15, 25) : random.int(30, 40);
  const openedInstant = t.onDay(t.lastDay + random.int(3, 12), (instant) => {
    const opened = chinaDayOf(instant);
    const publicComment = affectsBusiness || random.chance(0.5);
    const consulted = random.sample(
      draftingUnits(world).filter((unit) => unit.unitId !== draftingUnitId).map((unit) => unit.unitId),
      publicComment ? random.int(0, 2) : random.int(1, 3),
    );
    ids.solicited = emit(
      'document.commentSolicited.v1',
      {
        openedOn: dateOf(opened),
        closesOn: dateOf(opened + period),
        public: publicComment,
        consultedUnitIds: consulted,
        notice: publicComment ? `尚志市人民政府网站 公开征求意见 ${dateOf(opened)}` : '书面征求有关部门意见',
        affectsBusiness,
        shortPeriodReason: shortWithReason ? '为落实上级紧急部署, 缩短征求意见期限' : null,
        textSha256: text,
      },
      clerk(),
      instant,
    );
    if (flaw === 'document.short-comment-period') {
      planted.add({ code: flaw, subject, unitId: issuingUnitId, status: 'raised', raisedBy: [ids.solicited], raisedOn: dateOf(opened), details: { days: String(period) } });
    }
  });
  const closesDay = chinaDayOf(openedInstant) + period;
  t.onDay(closesDay + random.int(0, 3), (instant) => {
    emit('document.commentClosed.v1', { closedOn: dateOf(chinaDayOf(instant)), opinionsReceived: random.int(0, 40), adoptionSummary: '对合理意见予以采纳, 未采纳的意见已说明理由' }, clerk(), instant);
  });

  // 合法性审查: submitted after the comment closed, completed 5–15 working days later (15–18 calendar days always are).
  const review = (span: number, outcome: 'passed' | 'failed', variant: string | null): void => {
    const completed = weekdayOnOrAfter(t.lastDay + span + random.int(1, 4));
    const submitted = completed - span;
    t.onDay(completed, (instant) => {
      const reviewer = city.holder(city.legalOfficeId, 'reviewer');
      const id = emit(
        'document.legalityReviewed.v1',
        {
          reviewerId: reviewer.person.personId,
          submittedOn: dateOf(submitted),
          completedOn: dateOf(chinaDayOf(instant)),
          outcome,
          opinion: outcome === 'passed' ? '经审查, 未发现违反法律法规规定的内容, 同意提请集体讨论' : '部分条款缺乏上位法依据, 请修改后重新报送',
          textSha256: text,
        },
        city.actorOf(reviewer),
        instant,
      );
      if (variant !== null) {
        planted.add({
          code: 'document.legality-review-outside-window',
          subject,
          unitId: issuingUnitId,
          status: 'raised',
          raisedBy: [id],
          raisedOn: dateOf(chinaDayOf(instant)),
          details: { variant },
        });
      }
    }, { anyDay: true });
  };
  if (flaw === 'document.legality-review-outside-window') {
    const short = variantIndex % 2 === 0;
    review(short ? random.int(0, 1) : random.int(45, 55), 'passed', short ? 'short' : 'long');
  } else {
    if (random.chance(0.08)) {
      review(random.int(15, 18), 'failed', null);
      t.onDay(t.lastDay + random.int(3, 10), revise('根据合法性审查意见修改'));
    }
    review(random.int(15, 18), 'passed', null);
  }

  // 集体讨论决定 by the issuing unit's head.
  const meeting = (outcome: 'approved' | 'deferred') => (instant: number) => {
    const actor = head();
    emit(
      'document.collectivelyDiscussed.v1',
      {
        meeting: { kind: issuingUnitId === 'sz-zhengfu' ? 'standing' : 'office', heldOn: dateOf(chinaDayOf(instant)) },
        presidedBy: actor.personId,
        outcome,
        notes: outcome === 'deferred' ? '部分内容需进一步论证, 暂缓审议' : null,
        textSha256: text,
      },
      actor,
      instant,
    );
  };
  if (flaw === null && random.chance(0.05)) t.onDay(t.lastDay + random.int(2, 12), meeting('deferred'));
  t.onDay(t.lastDay + random.int(2, 15), meeting('approved'));

  // 统一登记、统一编号: the register first, then the document (docs/DOCUMENTS.md).
  let number: { authorityCode: string; year: number; serial: number; formatted: string } | null = null;
  t.onDay(t.lastDay + random.int(1, 7), (instant) => {
    const day = chinaDayOf(instant);
    const code = city.unit(issuingUnitId).code;
    if (code === null) throw new TypeError(`issuing unit ${issuingUnitId} lost its code`);
    const year = yearOfDay(day);
    let serial = registries.takeSerial(code, year);
    const skipped = flaw === 'document.numbering-gap' ? serial : null;
    if (skipped !== null) serial = registries.takeSerial(code, year);
    number = { authorityCode: code, year, serial, formatted: `${code}规〔${year}〕${serial}号` };
    ids.assigned = writer.emit(
      `docnumber-${code}-${year}`,
      'document.numberAssigned.v1',
      { documentId, issuingUnitId, number, assignedOn: dateOf(day) },
      clerk(),
      instant,
      { correlationId: ids.drafted ?? null },
    );
    if (skipped !== null) {
      planted.add({
        code: 'document.numbering-gap',
        subject: { kind: 'register', id: `${code}-${year}` },
        unitId: issuingUnitId,
        status: 'raised',
        raisedBy: [ids.assigned],
        raisedOn: dateOf(day),
        details: { missingSerials: String(skipped) },
      });
    }
  });
  t.after(1, 5, (instant) => {
    emit('document.registered.v1', { issuingUnitId, number, registeredOn: dateOf(chinaDayOf(instant)), textSha256: text }, clerk(), instant, ids.assigned);
  });

  // 签发、统一发布, valid for two to five years.
  const years = random.weighted([[5, 0.6], [3, 0.25], [2, 0.15]] as const);
  const delayed = random.chance(0.4);
  let issued: IssuedDocument | null = null;
  const issueInstant = t.onDay(t.lastDay + random.int(0, 5), (instant) => {
    const day = chinaDayOf(instant);
    const effectiveFrom = delayed ? day + 30 : day;
    const validUntil = addYears(effectiveFrom, years) - 1;
    const actor = head();
    if (number === null) throw new TypeError(`document ${documentId} issued without a number`);
    ids.issued = emit(
      'document.issued.v1',
      {
        number,
        title,
        issuingUnitId,
        signedBy: actor.personId,
        issuedOn: dateOf(day),
        effectiveFrom: dateOf(effectiveFrom),
        validUntil: dateOf(validUntil),
        textSha256: text,
        publications: [
          { channel: 'website', reference: `尚志市人民政府网站 ${dateOf(day)}` },
          { channel: 'gazette', reference: `尚志市人民政府公报 ${yearOfDay(day)}年第${random.int(1, 12)}期` },
        ],
      },
      actor,
      instant,
    );
    issued = {
      documentId,
      issuingUnitId,
      draftingUnitId,
      formatted: number.formatted,
      number,
      issuedOn: day,
      effectiveFrom,
      validUntil,
      endingFrom: null,
      citedUntil: day,
      abolished: false,
      abolishedOn: null,
      expired: false,
      issuedEventId: ids.issued,
      abolishedEventId: null,
      lastCleanUp: null,
    };
    registries.addDocument(issued);
    if (validUntil + 12 <= world.endDay) launch(world, planExpiry(world, issued));
  });
  const issueDay = chinaDayOf(issueInstant);

  // 备案 within 30 days (late, or never, when planted).
  const filingMissing = flaw === 'document.filing-late' && variantIndex % 3 === 2;
  if (!filingMissing) {
    const filingDay = flaw === 'document.filing-late' ? issueDay + random.int(40, 60) : issueDay + random.int(3, 15);
    t.onDay(filingDay, (instant) => {
      const toHarbin = issuingUnitId === 'sz-zhengfu' || issuingUnitId === 'sz-zhengfu-bangongshi';
      const filed = emit(
        'document.filed.v1',
        {
          filedOn: dateOf(chinaDayOf(instant)),
          filedWith: toHarbin ? '哈尔滨市人民政府' : '尚志市人民政府',
          filedWithUnitId: toHarbin ? 'heb-shizhengfu' : 'sz-zhengfu',
          reference: `备案登记〔${yearOfDay(chinaDayOf(instant))}〕${random.int(1, 300)}号`,
        },
        clerk(),
        instant,
        ids.issued,
      );
      if (flaw === 'document.filing-late') {
        planted.add({ code: flaw, subject, unitId: issuingUnitId, status: 'late', raisedBy: [ids.issued ?? '', filed], raisedOn: dateOf(issueDay + 31), details: {} });
      }
    });
  } else {
    t.onDay(issueDay, () => {
      planted.add({ code: 'document.filing-late', subject, unitId: issuingUnitId, status: 'open', raisedBy: [ids.issued ?? ''], raisedOn: dateOf(issueDay + 31), details: {} });
    });
  }

  // The document this one replaces is abolished when this one takes effect.
  if (replacing !== null) {
    t.onDay(t.lastDay + random.int(0, 3), (instant) => {
      const day = chinaDayOf(instant);
      const successor = issued;
      const abolishedOn = Math.max(successor?.effectiveFrom ?? day, replacing.citedUntil + 1, day);
      abolish(world, replacing, instant, abolishedOn, `已由新文件替代`, documentId);
    });
  }
  if (t.lastDay > world.endDay) return null;
  return { kind: 'document', timeline: t };
}

/** 废止: recorded by the issuing unit; the document keeps its number; no case cites it from the decision on. */
function abolish(world: World, document: IssuedDocument, instant: number, abolishedOn: number, reason: string, replacedBy: string | null): void {
  if (document.abolished || document.expired || abolishedOn > document.validUntil) return;
  document.abolishedEventId = world.writer.emit(
    `document-${document.documentId}`,
    'document.abolished.v1',
    { documentId: document.documentId, number: document.number, abolishedOn: dateOf(abolishedOn), reason, replacedByDocumentId: replacedBy },
    issuerOfficial(world, document.issuingUnitId),
    instant,
  );
  document.abolished = true;
  document.abolishedOn = abolishedOn;
  world.registries.retireFromCitation(document);
}

/** 有效期届满: recorded a few days after the last valid day, unless the document was abolished first. */
function planExpiry(world: World, document: IssuedDocument): Plan {
  const { random } = world;
  const t = new Timeline(random, document.validUntil + 1);
  t.onDay(document.validUntil + random.int(1, 10), (instant) => {
    if (document.abolished || document.expired) return;
    world.writer.emit(
      `document-${document.documentId}`,
      'document.expired.v1',
      { documentId: document.documentId, number: document.number, validUntil: dateOf(document.validUntil) },
      issuerOfficial(world, document.issuingUnitId),
      instant,
    );
    document.expired = true;
    world.registries.retireFromCitation(document);
  });
  return { kind: 'follow-up', timeline: t };
}

/**
 * 规范性文件清理 every two years (seed plan (二)3): each document in force is evaluated or not, then retained, to be
 * revised (a replacement is drafted, the old one abolished when the new takes effect) or abolished.
 */
export function* cleanUpProcess(world: World): Process {
  const { registries } = world;
  for (let campaign = world.startDay + 540; campaign <= world.endDay - 150; campaign += 730) {
    const day = weekdayOnOrAfter(campaign);
    yield instantAt(day, 7 * 60 + 15);
    const round = `${yearOfDay(day)}年规范性文件集中清理`;
    for (const document of [...registries.documents]) {
      if (document.abolished || document.expired || document.endingFrom !== null || document.issuedOn > day - 180) continue;
      if (document.validUntil < day + 60) continue;
      const plan = planCleanUp(world, document, day, round);
      if (plan !== null) launch(world, plan);
    }
  }
}

function planCleanUp(world: World, document: IssuedDocument, campaignDay: number, round: string): Plan | null {
  const { random, writer, registries } = world;
  const decision = random.weighted([['retain', 0.85], ['revise', 0.07], ['abolish', 0.08]] as const);
  const t = new Timeline(random, campaignDay);
  const streamId = `document-${document.documentId}`;
  if (random.chance(0.5)) {
    t.onDay(campaignDay + random.int(0, 30), (instant) => {
      const actor = issuerOfficial(world, document.issuingUnitId);
      writer.emit(
        streamId,
        'document.evaluated.v1',
        { documentId: document.documentId, evaluatedOn: dateOf(chinaDayOf(instant)), evaluatorIds: [actor.personId], findings: '文件实施情况良好, 个别条款需要与新出台的上位法衔接', recommendation: decision },
        actor,
        instant,
      );
    });
  }
  const decisionInstant = t.onDay(t.lastDay + random.int(0, 30), (instant) => {
    const day = chinaDayOf(instant);
    writer.emit(
      streamId,
      'document.cleanUpDecided.v1',
      { documentId: document.documentId, decidedOn: dateOf(day), decision, reason: decision === 'retain' ? '继续有效' : decision === 'revise' ? '与上位法不一致, 需要修改' : '已不适应经济社会发展需要, 予以废止', cleanUpRound: round },
      issuerOfficial(world, document.issuingUnitId),
      instant,
    );
    document.lastCleanUp = day;
    if (decision !== 'retain') {
      document.endingFrom = day;
      registries.retireFromCitation(document);
    }
    if (decision === 'revise') {
      const replacement = planDocument(world, day + 1, null, 0, document);
      if (replacement !== null && replacement.timeline.lastDay <= world.endDay) launch(world, replacement);
    }
  });
  if (decision === 'abolish') {
    const decisionDay = chinaDayOf(decisionInstant);
    t.onDay(decisionDay + random.int(1, 10), (instant) => {
      const day = chinaDayOf(instant);
      abolish(world, document, instant, Math.max(day, decisionDay + 30, document.citedUntil + 1), '经清理, 决定废止', null);
    });
  }
  if (t.lastDay > world.endDay) return null;
  return { kind: 'document', timeline: t };
}
