import type { HistoricDecision } from '../../seeds/history-2025';
import { globalId, type TestApp } from './harness';

export const PROPOSE = `mutation($input: RestructuringProposeInput!) {
  restructuringPropose(input: $input) { restructuring { id version status kind } userErrors { field code message } } }`;
export const APPROVE = `mutation($input: RestructuringApproveInput!) {
  restructuringApprove(input: $input) { restructuring { id version status effectiveOn } userErrors { field code message } } }`;
export const APPLY = `mutation($input: RestructuringApplyInput!) {
  restructuringApply(input: $input) { restructuring { id version status } userErrors { field code message } } }`;
export const CANCEL = `mutation($input: RestructuringCancelInput!) {
  restructuringCancel(input: $input) { restructuring { id version status } userErrors { field code message } } }`;

/** The global id of an organisation by code, through the API. */
export async function idOf(app: TestApp, code: string): Promise<string> {
  const { body } = await app.gql(`query($c: String!) { organization(code: $c) { id } }`, { c: code });
  if (!body.data?.organization) throw new Error(`no organisation ${code}`);
  return body.data.organization.id;
}

function ok<T>(body: any, name: string): T {
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  const payload = body.data[name];
  if (payload.userErrors.length) throw new Error(`${name}: ${JSON.stringify(payload.userErrors)}`);
  return payload.restructuring as T;
}

/** Builds the proposal input of a historic decision: codes become global ids (new organisations stay codes). */
export async function proposalInput(app: TestApp, d: HistoricDecision): Promise<Record<string, unknown>> {
  const newCodes = new Set((d.newTargets ?? []).map((t) => t.code));
  const ref = async (code: string) => (newCodes.has(code) ? { code } : { id: await idOf(app, code) });
  return {
    kind: d.kind,
    title: d.title,
    effectiveOn: d.effectiveOn,
    proposedOn: d.decisionDate, // as the demo seed: proposed and decided the same day
    sources: await Promise.all((d.sources ?? []).map((c) => idOf(app, c))),
    targets: await Promise.all((d.targets ?? []).map((c) => idOf(app, c))),
    newTargets: await Promise.all(
      (d.newTargets ?? []).map(async (t) => {
        const parent = await ref(t.parentCode);
        return { code: t.code, name: t.name, shortName: t.shortName, level: t.level, parent: parent.id, parentCode: parent.code };
      }),
    ),
    moves: await Promise.all(
      (d.moves ?? []).map(async (m) => {
        const parent = await ref(m.newParentCode);
        return { organization: await idOf(app, m.code), newParent: parent.id, newParentCode: parent.code };
      }),
    ),
    rename: d.rename ? { organization: await idOf(app, d.rename.code), name: d.rename.name } : null,
  };
}

/** Proposes, approves and applies a historic decision through the API. */
export async function enact(app: TestApp, d: HistoricDecision) {
  let r = ok<{ id: string; version: number }>((await app.gql(PROPOSE, { input: await proposalInput(app, d) })).body, 'restructuringPropose');
  r = ok((await app.gql(APPROVE, { input: { id: r.id, version: r.version, decisionNumber: d.decisionNumber, decisionDate: d.decisionDate, issuer: d.issuer, effectiveOn: d.effectiveOn } })).body, 'restructuringApprove');
  r = ok((await app.gql(APPLY, { input: { id: r.id, version: r.version } })).body, 'restructuringApply');
  return r;
}

export { globalId };

export interface RestructuringRef {
  id: string;
  version: number;
}

/**
 * The day test proposals are dated unless they say (`proposedOn`): before every decision the tests record (a decision
 * is not dated before its proposal).
 */
export const PROPOSED_ON = '2025-01-01';

/** Proposes through the API (dated PROPOSED_ON unless the input says); fails the test on any error. */
export async function proposeOk(app: TestApp, input: Record<string, unknown>): Promise<RestructuringRef> {
  return ok((await app.gql(PROPOSE, { input: { proposedOn: PROPOSED_ON, ...input } })).body, 'restructuringPropose');
}

/** Records the decision (effective on `effectiveOn`, decided the same day unless told) through the API. */
export async function approveOk(app: TestApp, r: RestructuringRef, effectiveOn: string, decisionDate = effectiveOn): Promise<RestructuringRef> {
  const input = { id: r.id, version: r.version, decisionNumber: '1-QĐ/TW', decisionDate, issuer: 'Bộ Chính trị', effectiveOn };
  return ok((await app.gql(APPROVE, { input })).body, 'restructuringApprove');
}

/** Applies through the API. */
export async function applyOk(app: TestApp, r: RestructuringRef): Promise<RestructuringRef> {
  return ok((await app.gql(APPLY, { input: { id: r.id, version: r.version } })).body, 'restructuringApply');
}
