export { ACTIVITY_TABLES, activityProjection } from './projection.js';
export { CAREER_ROLES, OUTCOME_KINDS, PARTICIPANT_ROLES, SUBJECT_KINDS, describeStep, factsOf } from './describe.js';
export type { Detail, OutcomeKind, Participant, ParticipantRole, StepDescription, SubjectKind, SubjectRef, UnitLink, UnitRelation } from './describe.js';
export { marksOf } from './marks.js';
export type { Mark, MarkableStep } from './marks.js';
export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE, decodeCursor, encodeCursor } from './cursor.js';
export {
  InvalidCursor,
  explainPersonDossier,
  getSubject,
  outcomesOf,
  personDossier,
  responsibilityChain,
  reverseTrace,
  stepByEventId,
  stepsOfSubject,
  subjectBelongsToUnit,
  subjectUnits,
  timeline,
} from './queries.js';
export type {
  ChainStep,
  DetailObject,
  DossierEntry,
  DossierOptions,
  Facts,
  OutcomeRecord,
  PersonDossier,
  PersonSummary,
  PostThen,
  ResponsibilityChain,
  ReverseTrace,
  StepParticipant,
  StepRecord,
  SubjectSummary,
  Timeline,
  TimelineEntry,
  TimelineOptions,
  TimelineScope,
  TracePart,
  TracePerson,
  TraceStart,
  TraceStep,
  TraceUnit,
  TraceVia,
  UnitSummary,
} from './queries.js';
