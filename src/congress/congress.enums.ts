import { registerEnumType } from 'type-graphql';

export enum CongressStage {
  NOT_STARTED = 'NOT_STARTED',
  PLAN_ISSUED = 'PLAN_ISSUED',
  DOCUMENTS_DRAFTED = 'DOCUMENTS_DRAFTED',
  PERSONNEL_PLANNED = 'PERSONNEL_PLANNED',
  APPROVED = 'APPROVED',
  HELD = 'HELD',
  RESULTS_CONFIRMED = 'RESULTS_CONFIRMED',
  POSTPONED = 'POSTPONED',
  SUPERSEDED = 'SUPERSEDED',
}

registerEnumType(CongressStage, {
  name: 'CongressStage',
  description: 'Where a congress stands. The main line moves forward in order; POSTPONED and SUPERSEDED are side states.',
  valuesConfig: {
    NOT_STARTED: { description: 'Nothing recorded yet.' },
    PLAN_ISSUED: { description: 'The plan (kế hoạch) for the congress is issued.' },
    DOCUMENTS_DRAFTED: { description: 'Political report and self-review report drafted.' },
    PERSONNEL_PLANNED: { description: 'Personnel plan: size, composition and candidates of the committee.' },
    APPROVED: { description: 'The superior approved documents and personnel.' },
    HELD: { description: 'The congress took place (effective on its closing day).' },
    RESULTS_CONFIRMED: { description: 'Results reported and confirmed by the superior.' },
    POSTPONED: { description: 'Postponed, with a reason and a new date.' },
    SUPERSEDED: { description: 'Will not take place: the organisation was merged, split or dissolved.' },
  },
});

/** The main line, in order. */
export const MAIN_LINE: CongressStage[] = [
  CongressStage.NOT_STARTED,
  CongressStage.PLAN_ISSUED,
  CongressStage.DOCUMENTS_DRAFTED,
  CongressStage.PERSONNEL_PLANNED,
  CongressStage.APPROVED,
  CongressStage.HELD,
  CongressStage.RESULTS_CONFIRMED,
];
export const rank = (s: CongressStage) => MAIN_LINE.indexOf(s);
export const HELD_STAGES = new Set([CongressStage.HELD, CongressStage.RESULTS_CONFIRMED]);
export const isHeld = (s: CongressStage) => HELD_STAGES.has(s);

export enum CongressMode {
  FULL = 'FULL',
  TWO_CONTENT = 'TWO_CONTENT',
}
registerEnumType(CongressMode, {
  name: 'CongressMode',
  valuesConfig: {
    FULL: { description: 'The four contents of a regular congress, with elections.' },
    TWO_CONTENT: { description: 'Merged or new organisations: review and comments only; the superior appoints the committee and delegates.' },
  },
});

export enum CommitteeFormation {
  ELECTED = 'ELECTED',
  APPOINTED = 'APPOINTED',
  INTERIM_APPOINTED = 'INTERIM_APPOINTED',
}
registerEnumType(CommitteeFormation, {
  name: 'CommitteeFormation',
  description: 'How the committee of the new term was formed.',
  valuesConfig: {
    ELECTED: { description: 'Elected by the congress (bầu).' },
    APPOINTED: { description: 'Appointed by the superior (chỉ định).' },
    INTERIM_APPOINTED: { description: 'An interim committee appointed by the superior (lâm thời), until the term committee is.' },
  },
});

export enum CongressOrderField {
  PLANNED_START = 'PLANNED_START',
  DEADLINE = 'DEADLINE',
  ORGANIZATION_NAME = 'ORGANIZATION_NAME',
}
registerEnumType(CongressOrderField, { name: 'CongressOrderField', description: 'Order of a congress list; ties by id. Unscheduled last.' });
