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

/** Schedules through the API and returns the congress; fails the test on any user error. */
export async function schedule(app: TestApp, orgUuid: string, plannedStart: string, plannedEnd = plannedStart, extra: Record<string, unknown> = {}): Promise<CongressRef & Record<string, unknown>> {
  const { body } = await app.gql(SCHEDULE, { input: { organization: globalId('Organization', orgUuid), plannedStart, plannedEnd, ...extra } });
  if (body.errors || body.data.congressSchedule.userErrors.length) throw new Error(JSON.stringify(body.errors ?? body.data.congressSchedule.userErrors));
  return body.data.congressSchedule.congress;
}

export async function recordHeld(app: TestApp, c: CongressRef, heldStart: string, heldEnd = heldStart, extra: Record<string, unknown> = {}) {
  const { body } = await app.gql(RECORD, { input: { id: c.id, version: c.version, heldStart, heldEnd, committeeFormation: 'ELECTED', ...extra } });
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return body.data.congressRecordResult as { congress: (CongressRef & Record<string, unknown>) | null; userErrors: { code: string; message: string; field: string[] }[] };
}
