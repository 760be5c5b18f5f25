import { inputField, UserError, UserErrorException } from '../common/errors';
import { ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { actorRule, cleanTextOrThrow, cleanTexts, noteRule, type TextRule } from '../common/text';
import { bumpVersion } from '../common/versioned';
import { RestructuringStatus } from './restructuring.enums';
import { restructuringsByIds, type RestructuringRow } from './restructuring.repository';
import { recordParentsOrRefuse } from './restructuring.parents';
import { releasePending } from './restructuring.pending';

/**
 * The lifecycle of restructurings after the proposal (restructuring.propose.service.ts): approve, cancel, and the status
 * history and lock every step shares. Applying is in restructuring.apply.ts.
 */

const f = inputField;

/** A required one-line text (titles, decision numbers, issuers). */
export const singleLine = (field: string[], label: string, max: number): TextRule => ({ field, label, max, singleLine: true, required: true });

/**
 * Records a status change, in effect from `effectiveOn` (PROPOSED: proposedOn; APPROVED: the decision date;
 * CANCELLED: the day given; EFFECTIVE: the effective date): what was pending on a date is read from these dates
 * (restructuring.repository.ts, pendingOnSql).
 */
export async function recordStatus(
  sql: Sql,
  id: string,
  from: RestructuringStatus | null,
  to: RestructuringStatus,
  actor: string | null | undefined,
  note: string | null | undefined,
  effectiveOn: string,
) {
  // Apply passes its actor straight here: this is where it is cleaned for every status change.
  const cleanActor = cleanTextOrThrow(actor, actorRule(f('actor')));
  await sql(`insert into restructuring_event (restructuring_id, from_status, to_status, actor, note, effective_on) values (?, ?, ?, ?, ?, ?)`, [
    id,
    from,
    to,
    cleanActor,
    note?.trim() || null,
    effectiveOn,
  ]);
}

/**
 * A status change dated `date`: not after today (FUTURE_DATE), not before the last event of the restructuring's
 * history (OUT_OF_ORDER). Returns the errors (at `field`).
 */
export async function checkStatusDate(sql: Sql, id: string, date: string, today: string, field: string[]): Promise<UserError[]> {
  if (date > today) return [UserError.of('FUTURE_DATE', `${date} is in the future (today is ${today}).`, field)];
  const [last] = await sql<{ lastOn: string | null }>(`select max(effective_on)::text as "lastOn" from restructuring_event where restructuring_id = ?`, [id]);
  if (last?.lastOn && date < last.lastOn) {
    return [UserError.of('OUT_OF_ORDER', `The history already has a change effective ${last.lastOn}; record changes in date order.`, field)];
  }
  return [];
}

/** Locks the restructuring and checks the version the client read. */
export async function lockRestructuring(sql: Sql, id: string, version: number): Promise<RestructuringRow> {
  const [row] = await sql<{ id: string }>('select id from restructuring where id = ? for update', [id]);
  if (!row) throw UserErrorException.of('NOT_FOUND', 'No such restructuring.', f('id'));
  const r = (await restructuringsByIds(sql, [id]))[0];
  if (r.version !== version) throw UserErrorException.of('STALE_VERSION', `The restructuring changed since you read it (version ${r.version}, you sent ${version}).`, f('version'));
  return r;
}

export interface ApproveCommand {
  id: string;
  version: number;
  decisionNumber: string;
  decisionDate: string;
  issuer: string;
  effectiveOn: string;
  actor?: string | null;
}

export async function approveRestructuring(tx: Tx, cmd: ApproveCommand): Promise<RestructuringRow> {
  const { sql } = tx;
  const r = await lockRestructuring(sql, cmd.id, cmd.version);
  if (r.status !== RestructuringStatus.PROPOSED) throw UserErrorException.of('NOT_ALLOWED', `A restructuring that is ${r.status} cannot be approved.`, f('id'));
  const { values: text, errors } = cleanTexts({
    decisionNumber: [cmd.decisionNumber, singleLine(f('decisionNumber'), 'The decision number', 100)],
    issuer: [cmd.issuer, singleLine(f('issuer'), 'The issuer', 300)],
    actor: [cmd.actor, actorRule(f('actor'))],
  });
  // The decision is dated: not after today, not before the proposal (or anything else in the history).
  errors.push(...(await checkStatusDate(sql, cmd.id, cmd.decisionDate, tx.meta.today, f('decisionDate'))));
  if (cmd.effectiveOn < cmd.decisionDate) {
    errors.push(UserError.of('EFFECTIVE_BEFORE_DECISION', `The effective date ${cmd.effectiveOn} is before the decision of ${cmd.decisionDate}.`, f('effectiveOn')));
  }
  if (errors.length) throw new UserErrorException(errors);
  const participants = await sql<{ id: string }>('select organization_id as id from restructuring_participant where restructuring_id = ?', [cmd.id]);
  const change: DomainChange = {
    kind: 'RestructuringApproved',
    organizations: [], // nothing enters or leaves the tree before it is applied
    entities: [ref('Restructuring', cmd.id), ...participants.map((p) => ref('Organization', p.id))],
    before: { status: r.status, effectiveOn: r.effectiveOn },
    after: { status: RestructuringStatus.APPROVED, decisionNumber: text.decisionNumber, decisionDate: cmd.decisionDate, issuer: text.issuer, effectiveOn: cmd.effectiveOn },
  };
  await tx.change(change, async () => {
    await bumpVersion(sql, 'restructuring', cmd.id, {
      status: RestructuringStatus.APPROVED,
      decision_number: text.decisionNumber,
      decision_date: cmd.decisionDate,
      issuer: text.issuer,
      effective_on: cmd.effectiveOn,
    });
    // Organisations it creates are established on the decided date.
    await sql(
      `update organization set established_on = ? where id in (select organization_id from restructuring_participant where restructuring_id = ? and created_by_restructuring)`,
      [cmd.effectiveOn, cmd.id],
    );
  });
  // The parents moved organisations leave, as of the decided date.
  await recordParentsOrRefuse(sql, cmd.id, cmd.effectiveOn, () => f('effectiveOn'));
  await recordStatus(sql, cmd.id, r.status, RestructuringStatus.APPROVED, text.actor, `${text.decisionNumber} (${cmd.decisionDate}, ${text.issuer})`, cmd.decisionDate);
  return (await restructuringsByIds(sql, [cmd.id]))[0];
}

export interface CancelCommand {
  id: string;
  version: number;
  reason: string;
  /** The day it was withdrawn (default today): not after today, not before the last event of its history. */
  effectiveOn?: string | null;
  actor?: string | null;
}

export async function cancelRestructuring(tx: Tx, cmd: CancelCommand): Promise<RestructuringRow> {
  const { sql } = tx;
  const r = await lockRestructuring(sql, cmd.id, cmd.version);
  if (r.status !== RestructuringStatus.PROPOSED && r.status !== RestructuringStatus.APPROVED) {
    throw UserErrorException.of('NOT_ALLOWED', `A restructuring that is ${r.status} cannot be cancelled.`, f('id'));
  }
  const reason = cleanTextOrThrow(cmd.reason, { ...noteRule(f('reason'), 'The reason'), required: true });
  const effectiveOn = cmd.effectiveOn ?? tx.meta.today;
  const dateErrors = await checkStatusDate(sql, cmd.id, effectiveOn, tx.meta.today, f('effectiveOn'));
  if (dateErrors.length) throw new UserErrorException(dateErrors);
  await tx.change(
    { kind: 'RestructuringCancelled', organizations: [], entities: [ref('Restructuring', cmd.id)], before: { status: r.status }, after: { status: RestructuringStatus.CANCELLED } },
    () => bumpVersion(sql, 'restructuring', cmd.id, { status: RestructuringStatus.CANCELLED }),
  );
  await releasePending(tx, cmd.id);
  await recordStatus(sql, cmd.id, r.status, RestructuringStatus.CANCELLED, cmd.actor, reason, effectiveOn);
  return (await restructuringsByIds(sql, [cmd.id]))[0];
}
