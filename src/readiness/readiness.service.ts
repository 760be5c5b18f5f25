import crypto from 'node:crypto';
import { inputField, UserError, UserErrorException } from '../common/errors';
import { ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import { cleanText, noteRule, type TextRule } from '../common/text';
import { CongressStage } from '../congress/congress.enums';
import { checklistsOn, storedChecklist } from './readiness.checklist';
import { ReadinessStatus } from './readiness.enums';
import { insertSubmitted, lockReport, lockReportsOf, parentOn, recordDecision, reportsByIds, upsertDraft, type ReportRow } from './readiness.repository';

/**
 * The readiness report's lifecycle: DRAFT (the organisation prepares) → SUBMITTED (to its parent) → RETURNED (with a
 * reason; the organisation resubmits a new version) or ACKNOWLEDGED (final for this congress). Every step is dated by
 * the request's today (`on`: seeds tell a fixed history) and records one journal change.
 */

const f = inputField;
export const MAX_NARRATIVE = 10_000;
const narrativeRule = (required: boolean): TextRule => ({ field: f('narrative'), label: 'The narrative', max: MAX_NARRATIVE, required });

const refuse = (code: string, message: string, field: string[]) => UserError.of(code, message, field);
const fail = (errors: UserError[]): never => {
  throw new UserErrorException(errors);
};

async function requireOrganization(tx: Tx, id: string): Promise<void> {
  const [row] = await tx.sql('select 1 as one from organization where id = ? and not pending_establishment', [id]);
  if (!row) fail([refuse('NOT_FOUND', 'No organisation with that id.', f('organization'))]);
}

const submitted = (rows: readonly ReportRow[]) => rows.filter((r) => r.status !== ReadinessStatus.DRAFT);
const nextVersion = (rows: readonly ReportRow[]) => Math.max(0, ...submitted(rows).map((r) => r.version)) + 1;
/** The last day anything happened to the organisation's versions. */
const lastDay = (rows: readonly ReportRow[]) => submitted(rows).reduce<string>((m, r) => [m, r.submittedOn ?? '', r.decidedOn ?? ''].sort()[2], '');

async function reread(tx: Tx, id: string): Promise<ReportRow> {
  return (await reportsByIds(tx.sql, [id]))[0];
}

export interface DraftCommand {
  organizationId: string;
  narrative?: string | null;
}

/**
 * Saves the organisation's one open draft (creating it, or overwriting its narrative). Codes: NOT_FOUND, TOO_LONG,
 * INVALID_CHARACTERS (narrative), ALREADY_ACKNOWLEDGED (the report on its current congress is final).
 */
export async function draftReport(tx: Tx, cmd: DraftCommand): Promise<ReportRow> {
  const { sql } = tx;
  await requireOrganization(tx, cmd.organizationId);
  const narrative = cleanText(cmd.narrative, narrativeRule(false));
  const errors: UserError[] = narrative instanceof UserError ? [narrative] : [];
  const rows = await lockReportsOf(sql, cmd.organizationId);
  const latest = submitted(rows)[0];
  const { congressId } = (await checklistsOn(sql, [cmd.organizationId], tx.meta.today)).get(cmd.organizationId)!;
  if (latest && latest.status === ReadinessStatus.ACKNOWLEDGED && latest.congressId === congressId) {
    errors.push(refuse('ALREADY_ACKNOWLEDGED', `Version ${latest.version} was acknowledged: the report on this congress is final.`, f('organization')));
  }
  if (errors.length) fail(errors);
  const draft = rows.find((r) => r.status === ReadinessStatus.DRAFT);
  const id = draft?.id ?? crypto.randomUUID();
  const text = narrative as string | null;
  await upsertDraft(sql, { id, organizationId: cmd.organizationId, version: nextVersion(rows), narrative: text });
  await tx.change({
    kind: 'ReadinessDrafted',
    organizations: [cmd.organizationId],
    entities: [ref('ReadinessReport', id), ref('Organization', cmd.organizationId)],
    before: draft ? { status: ReadinessStatus.DRAFT, narrative: draft.narrative } : { status: null },
    after: { status: ReadinessStatus.DRAFT, narrative: text },
  });
  return reread(tx, id);
}

export interface SubmitCommand {
  organizationId: string;
  /** Omitted: the open draft's. */
  narrative?: string | null;
  /** The day it is submitted (default: today); the checklist is computed on it. */
  on?: string;
  /** The new version's id (default: the draft's, else a random one); seeds derive theirs. */
  id?: string;
}

/**
 * Submits a new version to the parent, with the checklist computed from live data on the day, consuming the open
 * draft. Codes: NOT_FOUND, NO_PARENT (a root, or not in the tree on the day), NO_CONGRESS (no congress of the current
 * term scheduled by the day, or it is SUPERSEDED), ALREADY_SUBMITTED (the latest version awaits the parent),
 * ALREADY_ACKNOWLEDGED (the report on this congress is final), REQUIRED (no narrative given and none drafted),
 * TOO_LONG, INVALID_CHARACTERS (narrative), OUT_OF_ORDER (the day is before the latest recorded step).
 */
export async function submitReport(tx: Tx, cmd: SubmitCommand): Promise<ReportRow> {
  const { sql } = tx;
  const on = cmd.on ?? tx.meta.today;
  await requireOrganization(tx, cmd.organizationId);
  const rows = await lockReportsOf(sql, cmd.organizationId);
  const draft = rows.find((r) => r.status === ReadinessStatus.DRAFT);
  const errors: UserError[] = [];
  const given = cmd.narrative !== undefined && cmd.narrative !== null;
  const narrative = cleanText(given ? cmd.narrative : draft?.narrative, narrativeRule(true));
  if (narrative instanceof UserError) {
    errors.push(given || draft ? narrative : refuse('REQUIRED', 'Give a narrative, or save one in a draft first (readinessReportDraft).', f('narrative')));
  }
  const parentId = await parentOn(sql, cmd.organizationId, on);
  if (!parentId) errors.push(refuse('NO_PARENT', `The organisation has no parent on ${on}: there is no one to report to.`, f('organization')));
  const checklist = (await checklistsOn(sql, [cmd.organizationId], on)).get(cmd.organizationId)!;
  if (!checklist.congressId || checklist.congressStage === CongressStage.SUPERSEDED) {
    errors.push(refuse('NO_CONGRESS', `The organisation has no congress of the current term to prepare on ${on}${checklist.congressId ? ' (it is SUPERSEDED)' : ''}.`, f('organization')));
  }
  const latest = submitted(rows).find((r) => r.congressId === checklist.congressId);
  if (latest?.status === ReadinessStatus.SUBMITTED) {
    errors.push(refuse('ALREADY_SUBMITTED', `Version ${latest.version} awaits the parent's decision.`, f('organization')));
  } else if (latest?.status === ReadinessStatus.ACKNOWLEDGED) {
    errors.push(refuse('ALREADY_ACKNOWLEDGED', `Version ${latest.version} was acknowledged: the report on this congress is final.`, f('organization')));
  }
  const last = lastDay(rows);
  if (last > on) errors.push(refuse('OUT_OF_ORDER', `The reports already have a step dated ${last}; record steps in date order.`, f('organization')));
  if (errors.length) fail(errors);

  const id = draft?.id ?? cmd.id ?? crypto.randomUUID();
  const version = nextVersion(rows);
  const stored = storedChecklist(checklist);
  const viewer = tx.meta.viewer;
  await insertSubmitted(
    sql,
    { id, organizationId: cmd.organizationId, congressId: checklist.congressId!, version, narrative: narrative as string, checklist: stored, submittedOn: on, submittedById: viewer.id, submittedByName: viewer.name },
    draft?.id ?? null,
  );
  await tx.change({
    kind: 'ReadinessSubmitted',
    organizations: [cmd.organizationId],
    entities: [ref('ReadinessReport', id), ref('Organization', cmd.organizationId)],
    before: { status: draft ? ReadinessStatus.DRAFT : null },
    after: { status: ReadinessStatus.SUBMITTED, version, submittedOn: on, narrative, checklist: stored },
  });
  return reread(tx, id);
}

export interface DecisionCommand {
  reportId: string;
  /** The version the parent read; when given and not the report's: STALE_VERSION. */
  version?: number | null;
  /** RETURNED: required. */
  reason?: string | null;
  on?: string;
}

/**
 * The parent's decision on a submitted version: RETURNED (with a reason) or ACKNOWLEDGED. The change's authority is
 * the parent (on the day; if the organisation has left the tree, the parent it submitted to). Codes: NOT_FOUND,
 * STALE_VERSION, NOT_SUBMITTED (a draft, or already returned or acknowledged), OUT_OF_ORDER (the day is before the
 * submission), REQUIRED, TOO_LONG, INVALID_CHARACTERS (reason).
 */
export async function decideReport(tx: Tx, to: ReadinessStatus.RETURNED | ReadinessStatus.ACKNOWLEDGED, cmd: DecisionCommand): Promise<ReportRow> {
  const { sql } = tx;
  const on = cmd.on ?? tx.meta.today;
  const row = await lockReport(sql, cmd.reportId);
  if (!row) return fail([refuse('NOT_FOUND', 'No readiness report with that id.', f('report'))]);
  const errors: UserError[] = [];
  if (cmd.version != null && cmd.version !== row.version) {
    errors.push(refuse('STALE_VERSION', `That report is version ${row.version}, you sent ${cmd.version}.`, f('version')));
  }
  if (row.status !== ReadinessStatus.SUBMITTED) {
    errors.push(refuse('NOT_SUBMITTED', `Only a SUBMITTED report can be ${to === ReadinessStatus.RETURNED ? 'returned' : 'acknowledged'}; this one is ${row.status}.`, f('report')));
  } else if (row.submittedOn! > on) {
    errors.push(refuse('OUT_OF_ORDER', `The report was submitted on ${row.submittedOn}, after ${on}.`, f('report')));
  }
  let reason: string | null = null;
  if (to === ReadinessStatus.RETURNED) {
    const cleaned = cleanText(cmd.reason, { ...noteRule(f('reason'), 'The reason'), required: true });
    if (cleaned instanceof UserError) errors.push(cleaned);
    else reason = cleaned;
  }
  if (errors.length) fail(errors);

  const parentId = (await parentOn(sql, row.organizationId, on)) ?? (await parentOn(sql, row.organizationId, row.submittedOn!));
  if (!parentId) throw new Error(`readiness report ${row.id}: no parent on ${on} nor on ${row.submittedOn}`); // a submission needs one
  const viewer = tx.meta.viewer;
  await recordDecision(sql, row.id, { status: to, returnReason: reason, decidedOn: on, decidedById: viewer.id, decidedByName: viewer.name });
  await tx.change({
    kind: to === ReadinessStatus.RETURNED ? 'ReadinessReturned' : 'ReadinessAcknowledged',
    organizations: [row.organizationId],
    authority: [parentId],
    entities: [ref('ReadinessReport', row.id), ref('Organization', row.organizationId)],
    before: { status: ReadinessStatus.SUBMITTED },
    after: { status: to, decidedOn: on, ...(reason ? { returnReason: reason } : {}) },
  });
  return reread(tx, row.id);
}
