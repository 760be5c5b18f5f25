import { snapshot, type TestApp } from './harness';

/** Readiness queries and helpers shared by test/readiness*.test.ts. */

export const CHECKLIST =
  'subordinateCongressesExpected subordinateCongressesHeld subordinateHeldRatio documentsDrafted personnelPlanApproved pendingRestructurings openComplaints congressStage computedOn';
export const REPORT = `id canonicalId asOf version status narrative submittedOn submittedAt returnReason decidedOn decidedAt submittedBy decidedBy checklist { ${CHECKLIST} } organization { code }`;
const payload = (name: string, input: string) =>
  `mutation($input: ${input}!) { ${name}(input: $input) { report { ${REPORT} } userErrors { field code message } } }`;
export const DRAFT = payload('readinessReportDraft', 'ReadinessReportDraftInput');
export const SUBMIT = payload('readinessReportSubmit', 'ReadinessReportSubmitInput');
export const RETURN = payload('readinessReportReturn', 'ReadinessReportReturnInput');
export const ACKNOWLEDGE = payload('readinessReportAcknowledge', 'ReadinessReportAcknowledgeInput');
export const COMPLAINTS = `mutation($input: CongressComplaintsSetInput!) {
  congressComplaintsSet(input: $input) { congress { id complaints { kind status count effectiveOn } } userErrors { field code message } } }`;

/** A principal's token (undefined: the harness's ADMIN). */
export type Token = string | undefined;

/** A mutation that must succeed: no error, no userErrors; its payload. */
export async function ok(app: TestApp, query: string, input: Record<string, unknown>, as?: Token): Promise<any> {
  const { body } = await app.gql(query, { input }, { as });
  expect(body.errors).toBeUndefined();
  const result = Object.values(body.data)[0] as { userErrors: unknown[] };
  expect(result.userErrors).toEqual([]);
  return result;
}

export const auditCount = async (app: TestApp) => (await app.readBack<{ n: number }>('select count(*)::int as n from audit_event'))[0].n;

/** Refused with `code` (among its userErrors), every other payload field null, no business table changed, no audit event. */
export async function refused(app: TestApp, query: string, input: Record<string, unknown>, code: string, as?: Token) {
  const before = await snapshot(app);
  const events = await auditCount(app);
  const { body } = await app.gql(query, { input }, { as });
  expect(body.errors).toBeUndefined();
  const { userErrors, ...rest } = Object.values(body.data)[0] as { userErrors: { code: string }[] };
  for (const value of Object.values(rest)) expect(value).toBeNull();
  expect(userErrors.map((e) => e.code)).toContain(code);
  expect(await snapshot(app)).toEqual(before);
  expect(await auditCount(app)).toBe(events);
  return userErrors;
}

/** The uuid inside a global id, plain or dated. */
export const uuid = (id: string) => Buffer.from(id, 'base64url').toString('utf8').split(':')[1].split('@')[0];
