import { globalId, type TestApp } from './harness';

export const CONGRESS_FIELDS = 'id version stage term ordinal mode pilot plannedStart plannedEnd deadline heldStart heldEnd';

export const SCHEDULE = `mutation($input: CongressScheduleInput!) {
  congressSchedule(input: $input) { congress { ${CONGRESS_FIELDS} } userErrors { field code message } } }`;
export const RESCHEDULE = `mutation($input: CongressRescheduleInput!) {
  congressReschedule(input: $input) { congress { ${CONGRESS_FIELDS} } userErrors { field code message } } }`;
export const ADVANCE = `mutation($input: CongressAdvanceInput!) {
  congressAdvance(input: $input) { congress { ${CONGRESS_FIELDS} } userErrors { field code message } } }`;
export const POSTPONE = `mutation($input: CongressPostponeInput!) {
  congressPostpone(input: $input) { congress { ${CONGRESS_FIELDS} } userErrors { field code message } } }`;
export const RECORD = `mutation($input: CongressRecordResultInput!) {
  congressRecordResult(input: $input) { congress { ${CONGRESS_FIELDS} committeeFormation committeeSize } userErrors { field code message } } }`;

export interface CongressRef {
  id: string;
  version: number;
}

/**
 * The day `schedule` dates a plan by default: before every date the tests tell (their histories run from late 2024),
 * so a test can record its congress's story on any of them. Scheduling itself is dated: pass `extra.effectiveOn`.
 */
export const SCHEDULED_ON = '2024-01-01';

/** Schedules through the API (on `SCHEDULED_ON` unless `extra` says otherwise) and returns the congress; fails the test on any user error. */
export async function schedule(app: TestApp, orgUuid: string, plannedStart: string, plannedEnd = plannedStart, extra: Record<string, unknown> = {}): Promise<CongressRef & Record<string, unknown>> {
  const input = { organization: globalId('Organization', orgUuid), plannedStart, plannedEnd, effectiveOn: SCHEDULED_ON, ...extra };
  const { body } = await app.gql(SCHEDULE, { input });
  if (body.errors || body.data.congressSchedule.userErrors.length) throw new Error(JSON.stringify(body.errors ?? body.data.congressSchedule.userErrors));
  return body.data.congressSchedule.congress;
}

/** Records the superior's approval (stage APPROVED) through the API; fails the test on any user error. */
export async function approve(app: TestApp, c: CongressRef, effectiveOn: string): Promise<CongressRef & Record<string, unknown>> {
  const { body } = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn } });
  if (body.errors || body.data.congressAdvance.userErrors.length) throw new Error(JSON.stringify(body.errors ?? body.data.congressAdvance.userErrors));
  return body.data.congressAdvance.congress;
}

type RecordResult = { congress: (CongressRef & Record<string, unknown>) | null; userErrors: { code: string; message: string; field: string[] }[] };

async function record(app: TestApp, c: CongressRef, heldStart: string, heldEnd: string, extra: Record<string, unknown>): Promise<RecordResult> {
  const { body } = await app.gql(RECORD, { input: { id: c.id, version: c.version, heldStart, heldEnd, committeeFormation: 'ELECTED', ...extra } });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.congressRecordResult;
}

/**
 * Records a congress as held (ELECTED unless `extra` says otherwise). A congress is held only after the superior's
 * approval: when that is all that stops it (NOT_APPROVED alone), records APPROVED first — effective on the closing
 * day, so the stage on every earlier day reads as the test left it — then records the result. Other refusals are
 * returned as they are (nothing written).
 */
export async function recordHeld(app: TestApp, c: CongressRef, heldStart: string, heldEnd = heldStart, extra: Record<string, unknown> = {}): Promise<RecordResult> {
  const first = await record(app, c, heldStart, heldEnd, extra);
  if (first.userErrors.length !== 1 || first.userErrors[0].code !== 'NOT_APPROVED') return first;
  const { body } = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage: 'APPROVED', effectiveOn: heldEnd } });
  if (body.errors || body.data.congressAdvance.userErrors.length) return first;
  return record(app, body.data.congressAdvance.congress, heldStart, heldEnd, extra);
}
