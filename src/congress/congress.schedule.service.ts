import crypto from 'node:crypto';
import { inputField, UserError, UserErrorException } from '../common/errors';
import type { Tx } from '../common/kernel';
import { organizationsByIds, placementsAt } from '../organization/organization.repository';
import { Congress } from './congress.entity';
import { CongressMode, CongressStage, isHeld } from './congress.enums';
import { fieldsOf, flushCongress, rereadCongress } from './congress.change';
import type { CongressRow } from './congress.repository';
import { replan } from './congress.plans';
import { nextOrdinal, roundErrors } from './congress.rounds';
import { rulesFor } from './congress.rules';
import { checkDates, loadForChange } from './congress.validate';

/** Planning congresses: schedule one, change its plan. Every function runs in the caller's transaction. */

const f = inputField;

export interface CongressScheduleCommand {
  /** Fixed id (the demo seed derives ids from codes); random when omitted. */
  id?: string;
  organizationId: string;
  term: string;
  plannedStart: string;
  plannedEnd: string;
  pilot?: boolean | null;
  mode?: CongressMode | null;
  ordinal?: number | null;
  /** 1 (default): the term-opening congress; 2: a cell's mid-term congress (after round 1 is held). */
  round?: number | null;
  deadline?: string | null;
  /** The day the plan was made (default: today; not in the future): before it the congress does not exist. */
  effectiveOn?: string | null;
  actor?: string | null;
}

export interface CongressRescheduleCommand {
  id: string;
  version: number;
  plannedStart: string;
  plannedEnd: string;
  deadline?: string | null;
  pilot?: boolean | null;
  /** The first day of the new plan; default: today. */
  effectiveOn?: string | null;
}

export async function scheduleCongress(tx: Tx, cmd: CongressScheduleCommand): Promise<CongressRow> {
  const { sql, em } = tx;
  const [org] = await organizationsByIds(sql, [cmd.organizationId]);
  if (!org) throw UserErrorException.of('NOT_FOUND', 'No such organisation.', f('organization'));
  const [term] = await sql<{ code: string }>('select code from term where code = ?', [cmd.term]);
  if (!term) throw UserErrorException.of('NOT_FOUND', `No term ${cmd.term}.`, f('term'));
  const [placement] = await placementsAt(sql, [{ id: org.id, date: cmd.plannedStart }]);
  if (!placement) throw UserErrorException.of('NOT_ACTIVE', `The organisation is not in the tree on ${cmd.plannedStart}.`, f('plannedStart'));
  const errors = await checkDates(sql, cmd.term, org.level, cmd.plannedStart, cmd.plannedEnd, ['plannedStart', 'plannedEnd']);
  if (cmd.ordinal != null && (!Number.isInteger(cmd.ordinal) || cmd.ordinal < 1 || cmd.ordinal > 100)) {
    errors.push(UserError.of('OUT_OF_RANGE', 'The ordinal (lần thứ) must be from 1 to 100.', f('ordinal')));
  }
  const scheduledOn = cmd.effectiveOn ?? tx.meta.today;
  if (scheduledOn > tx.meta.today) errors.push(UserError.of('FUTURE_DATE', `${scheduledOn} is in the future (today is ${tx.meta.today}).`, f('effectiveOn')));
  const round = cmd.round ?? 1;
  errors.push(...(await roundErrors(sql, await rulesFor(sql, cmd.term), org, cmd.term, round, cmd.plannedStart, { round: f('round'), start: f('plannedStart') })));
  if (errors.length) throw new UserErrorException(errors);
  const [existing] = await sql('select 1 from congress where organization_id = ? and term = ? and round = ?', [org.id, cmd.term, round]);
  if (existing) throw UserErrorException.of('ALREADY_SCHEDULED', `${org.name} already has a congress for ${cmd.term} (round ${round}); reschedule it instead.`, f('organization'));
  const ordinal = cmd.ordinal ?? (await nextOrdinal(sql, org.id, cmd.term, round));
  const congress = em.create(Congress, {
    id: cmd.id ?? crypto.randomUUID(),
    organizationId: org.id,
    term: cmd.term,
    round,
    ordinal,
    mode: cmd.mode ?? CongressMode.FULL,
    pilot: cmd.pilot ?? false,
    plannedStart: cmd.plannedStart,
    plannedEnd: cmd.plannedEnd,
    deadlineOverride: cmd.deadline ?? null,
    // Scheduled on that day, with its first plan in force from it: the dates before have neither.
    scheduledOn,
    plannedSince: scheduledOn,
  });
  await flushCongress(tx, congress, null, { kind: 'CongressScheduled', effectiveOn: scheduledOn });
  return rereadCongress(tx, congress.id);
}

export async function rescheduleCongress(tx: Tx, cmd: CongressRescheduleCommand): Promise<CongressRow> {
  const { sql } = tx;
  const { congress, level } = await loadForChange(tx, cmd.id, cmd.version);
  const before = fieldsOf(congress);
  if (congress.stage === CongressStage.SUPERSEDED || isHeld(congress.stage)) {
    throw UserErrorException.of('NOT_ALLOWED', `A congress that is ${congress.stage} cannot be rescheduled.`, f('id'));
  }
  const errors = await checkDates(sql, congress.term, level, cmd.plannedStart, cmd.plannedEnd, ['plannedStart', 'plannedEnd']);
  if (congress.round > 1) {
    const fields = { round: f('id'), start: f('plannedStart') };
    errors.push(...(await roundErrors(sql, await rulesFor(sql, congress.term), { id: congress.organizationId, level }, congress.term, congress.round, cmd.plannedStart, fields)));
  }
  if (errors.length) throw new UserErrorException(errors);
  const plan = { plannedStart: cmd.plannedStart, plannedEnd: cmd.plannedEnd, ...(cmd.deadline !== undefined ? { deadlineOverride: cmd.deadline } : {}) };
  await replan(sql, congress, plan, cmd.effectiveOn ?? tx.meta.today, tx.meta.today, f('effectiveOn'));
  if (cmd.pilot != null) congress.pilot = cmd.pilot;
  await flushCongress(tx, congress, before, { kind: 'CongressRescheduled' });
  return rereadCongress(tx, congress.id);
}
