import crypto from 'node:crypto';
import { LockMode, OptimisticLockError } from '@mikro-orm/core';
import { inputField, UserError, UserErrorException } from '../common/errors';
import { changedFields, ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { actorRule, cleanTexts, cleanTextOrThrow, noteRule } from '../common/text';
import { uuidFromName } from '../common/uuid';
import { organizationsByIds, placementsAt } from '../organization/organization.repository';
import type { OrganizationLevel } from '../organization/organization.levels';
import { Congress, CongressEvent } from './congress.entity';
import { CommitteeFormation, CongressMode, CongressStage, isHeld, rank } from './congress.enums';
import { lastMainStage, lengthInDays } from './congress.history';
import { calendarsOf, childCongresses, congressesByIds, eventsOf, type CongressRow } from './congress.repository';
import { replan } from './congress.plans';
import { nextOrdinal, roundErrors } from './congress.rounds';
import { resultRuleErrors, rulesFor } from './congress.rules';

/** The rules of congresses. Every function runs in the caller's transaction and throws UserErrorException. */

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

export interface CongressAdvanceCommand {
  id: string;
  version: number;
  stage: CongressStage;
  effectiveOn: string;
  note?: string | null;
  reason?: string | null;
  actor?: string | null;
}

export interface CongressPostponeCommand {
  id: string;
  version: number;
  reason: string;
  plannedStart: string;
  plannedEnd: string;
  effectiveOn: string;
  actor?: string | null;
}

export interface CongressResultCommand {
  id: string;
  version: number;
  heldStart: string;
  heldEnd: string;
  delegatesConvened?: number | null;
  delegatesAttending?: number | null;
  committeeSize?: number | null;
  committeeFormation: CommitteeFormation;
  delegatesToSuperior?: { exOfficio?: number | null; elected?: number | null; appointed?: number | null; alternate?: number | null } | null;
  note?: string | null;
  actor?: string | null;
}

async function maxDaysFor(sql: Sql, term: string, level: OrganizationLevel): Promise<number | null> {
  const rows = await calendarsOf(sql, [term]);
  return rows.find((r) => r.level === level)?.maxDays ?? null;
}

async function checkDates(sql: Sql, term: string, level: OrganizationLevel, start: string, end: string, fields: [string, string]): Promise<UserError[]> {
  if (end < start) return [UserError.of('END_BEFORE_START', `The end (${end}) is before the start (${start}).`, f(fields[1]))];
  const max = await maxDaysFor(sql, term, level);
  const days = lengthInDays(start, end);
  if (max !== null && days > max) {
    return [UserError.of('TOO_LONG', `${days} days is longer than the ${max} allowed for this level in ${term}.`, f(fields[1]))];
  }
  return [];
}

/** The free texts of a change, cleaned (NFC, trimmed, limits): values by name, and every refusal. */
const cleanChangeTexts = (cmd: { note?: string | null; reason?: string | null; actor?: string | null }) =>
  cleanTexts({
    note: [cmd.note, noteRule(f('note'))],
    reason: [cmd.reason, noteRule(f('reason'), 'The reason')],
    actor: [cmd.actor, actorRule(f('actor'))],
  });

/** Loads a congress for a change, locking its row; checks existence and the version the client read. */
async function loadForChange(tx: Tx, id: string, version: number): Promise<{ congress: Congress; level: OrganizationLevel; members: number }> {
  const congress = await lockCongress(tx, id, version);
  const [org] = await organizationsByIds(tx.sql, [congress.organizationId]);
  return { congress, level: org.level, members: org.memberCount };
}

/** Locks a congress for a change and checks the version the client read. */
async function lockCongress(tx: Tx, id: string, version: number): Promise<Congress> {
  const congress = await tx.em.findOne(Congress, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!congress) throw UserErrorException.of('NOT_FOUND', 'No such congress.', f('id'));
  if (congress.version !== version) {
    throw UserErrorException.of('STALE_VERSION', `The congress changed since you read it (version ${congress.version}, you sent ${version}).`, f('version'));
  }
  return congress;
}

async function lastEventDate(sql: Sql, congressId: string): Promise<string | null> {
  const events = await eventsOf(sql, [congressId]);
  return events.length ? events[events.length - 1].effectiveOn : null;
}

/** `actor` and `note` come cleaned (cleanChangeTexts). */
async function recordEvent(tx: Tx, congress: Congress, to: CongressStage, effectiveOn: string, actor: string | null, note: string | null) {
  tx.em.create(CongressEvent, { congressId: congress.id, fromStage: congress.stage, toStage: to, effectiveOn, actor, note });
  congress.stage = to;
}

/** The fields of a congress a change may alter (the journal's before and after). */
const fieldsOf = (c: Congress): Record<string, unknown> => ({
  stage: c.stage,
  plannedStart: c.plannedStart ?? null,
  plannedEnd: c.plannedEnd ?? null,
  deadline: c.deadlineOverride ?? null,
  pilot: c.pilot,
  heldStart: c.heldStart ?? null,
  heldEnd: c.heldEnd ?? null,
  delegatesConvened: c.delegatesConvened ?? null,
  delegatesAttending: c.delegatesAttending ?? null,
  committeeSize: c.committeeSize ?? null,
  committeeFormation: c.committeeFormation ?? null,
  delegatesExOfficio: c.delegatesExOfficio ?? null,
  delegatesElected: c.delegatesElected ?? null,
  delegatesAppointed: c.delegatesAppointed ?? null,
  delegatesAlternate: c.delegatesAlternate ?? null,
});

type CongressChange = { kind: 'CongressScheduled' | 'CongressRescheduled' } | { kind: 'CongressStageChanged'; effectiveOn: string };

/**
 * Flushes a congress change (`before`: its fields as loaded; null for a new one), recorded in the journal: the roll-up
 * counters of its organisation's ancestors follow in the same transaction.
 */
async function flush(tx: Tx, congress: Congress, before: Record<string, unknown> | null, change: CongressChange) {
  const diff = before ? changedFields(before, fieldsOf(congress)) : { after: { term: congress.term, round: congress.round, ...fieldsOf(congress) } };
  const entities = [ref('Congress', congress.id), ref('Organization', congress.organizationId)];
  try {
    await tx.change({ ...change, organizations: [congress.organizationId], entities, ...diff }, () => tx.em.flush());
  } catch (err) {
    if (err instanceof OptimisticLockError) throw UserErrorException.of('STALE_VERSION', 'The congress changed while you edited it.', f('version'));
    throw err;
  }
}

async function reread(tx: Tx, id: string): Promise<CongressRow> {
  return (await congressesByIds(tx.sql, [id]))[0];
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
  });
  await flush(tx, congress, null, { kind: 'CongressScheduled' });
  return reread(tx, congress.id);
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
  await flush(tx, congress, before, { kind: 'CongressRescheduled' });
  return reread(tx, congress.id);
}

/**
 * Moves along the main line. Forward (skipping is allowed and recorded) to any stage but HELD, which needs the
 * results (congressRecordResult); back only with a reason. From POSTPONED, resumes at or after the interrupted stage.
 */
export async function advanceCongress(tx: Tx, cmd: CongressAdvanceCommand, today: string): Promise<CongressRow> {
  const { sql } = tx;
  const congress = await lockCongress(tx, cmd.id, cmd.version);
  const before = fieldsOf(congress);
  const { values: text, errors } = cleanChangeTexts(cmd);
  if (errors.length) throw new UserErrorException(errors);
  if (congress.stage === CongressStage.SUPERSEDED) throw UserErrorException.of('SUPERSEDED', 'This congress was superseded by a restructuring.', f('id'));
  if (cmd.stage === CongressStage.SUPERSEDED || cmd.stage === CongressStage.POSTPONED) {
    throw UserErrorException.of('NOT_ALLOWED', `${cmd.stage} is set by ${cmd.stage === CongressStage.POSTPONED ? 'congressPostpone' : 'a restructuring'}.`, f('stage'));
  }
  if (cmd.stage === CongressStage.HELD) {
    throw UserErrorException.of('RESULT_REQUIRED', 'Record the congress with congressRecordResult (dates, delegates, committee).', f('stage'));
  }
  const events = await eventsOf(sql, [congress.id]);
  const base = congress.stage === CongressStage.POSTPONED ? lastMainStage(events) : congress.stage;
  if (cmd.stage === CongressStage.RESULTS_CONFIRMED && !isHeld(base)) {
    throw UserErrorException.of('NOT_ALLOWED', 'Results can be confirmed only after the congress is held.', f('stage'));
  }
  if (cmd.stage === base && congress.stage !== CongressStage.POSTPONED) {
    throw UserErrorException.of('SAME_STAGE', `The congress is already ${cmd.stage}.`, f('stage'));
  }
  const backward = rank(cmd.stage) < rank(base);
  if (backward && !text.reason) {
    throw UserErrorException.of('REASON_REQUIRED', `Going back from ${base} to ${cmd.stage} needs a reason.`, f('reason'));
  }
  checkEffective(cmd.effectiveOn, today, events.length ? events[events.length - 1].effectiveOn : null);
  if (backward && isHeld(base) && !isHeld(cmd.stage)) {
    congress.heldStart = null;
    congress.heldEnd = null;
  }
  const note = [text.reason, text.note].filter(Boolean).join(' — ') || null;
  await recordEvent(tx, congress, cmd.stage, cmd.effectiveOn, text.actor, note);
  await flush(tx, congress, before, { kind: 'CongressStageChanged', effectiveOn: cmd.effectiveOn });
  return reread(tx, congress.id);
}

function checkEffective(effectiveOn: string, today: string, last: string | null, field = 'effectiveOn') {
  if (effectiveOn > today) throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${today}).`, f(field));
  if (last && effectiveOn < last) {
    throw UserErrorException.of('OUT_OF_ORDER', `The history already has a change effective ${last}; record changes in date order.`, f(field));
  }
}

export async function postponeCongress(tx: Tx, cmd: CongressPostponeCommand, today: string): Promise<CongressRow> {
  const { sql } = tx;
  const { congress, level } = await loadForChange(tx, cmd.id, cmd.version);
  const before = fieldsOf(congress);
  const { values: text, errors } = cleanChangeTexts(cmd);
  if (errors.length) throw new UserErrorException(errors);
  if (!text.reason) throw UserErrorException.of('REQUIRED', 'A postponement needs a reason.', f('reason'));
  if (congress.stage === CongressStage.SUPERSEDED || isHeld(congress.stage)) {
    throw UserErrorException.of('NOT_ALLOWED', `A congress that is ${congress.stage} cannot be postponed.`, f('id'));
  }
  const dateErrors = await checkDates(sql, congress.term, level, cmd.plannedStart, cmd.plannedEnd, ['plannedStart', 'plannedEnd']);
  if (dateErrors.length) throw new UserErrorException(dateErrors);
  checkEffective(cmd.effectiveOn, today, await lastEventDate(sql, congress.id));
  await replan(sql, congress, { plannedStart: cmd.plannedStart, plannedEnd: cmd.plannedEnd }, cmd.effectiveOn, today, f('effectiveOn'));
  await recordEvent(tx, congress, CongressStage.POSTPONED, cmd.effectiveOn, text.actor, `${text.reason} (new date ${cmd.plannedStart})`);
  await flush(tx, congress, before, { kind: 'CongressStageChanged', effectiveOn: cmd.effectiveOn });
  return reread(tx, congress.id);
}

/**
 * Records that the congress was held (effective on its closing day). Lower levels first: every active direct
 * subordinate's congress of the term that counts (not SUPERSEDED) must be held by then.
 */
export async function recordCongressResult(tx: Tx, cmd: CongressResultCommand, today: string): Promise<CongressRow> {
  const { sql } = tx;
  const { congress, level, members } = await loadForChange(tx, cmd.id, cmd.version);
  const before = fieldsOf(congress);
  if (congress.stage === CongressStage.SUPERSEDED) throw UserErrorException.of('SUPERSEDED', 'This congress was superseded by a restructuring.', f('id'));
  if (isHeld(congress.stage)) throw UserErrorException.of('ALREADY_HELD', 'This congress is already recorded as held.', f('id'));
  const errors = await checkDates(sql, congress.term, level, cmd.heldStart, cmd.heldEnd, ['heldStart', 'heldEnd']);
  const { values: text, errors: textErrors } = cleanChangeTexts(cmd);
  errors.push(...textErrors);
  const counts: [string, number | null | undefined][] = [
    ['delegatesConvened', cmd.delegatesConvened],
    ['delegatesAttending', cmd.delegatesAttending],
    ['committeeSize', cmd.committeeSize],
    ['delegatesToSuperior.exOfficio', cmd.delegatesToSuperior?.exOfficio],
    ['delegatesToSuperior.elected', cmd.delegatesToSuperior?.elected],
    ['delegatesToSuperior.appointed', cmd.delegatesToSuperior?.appointed],
    ['delegatesToSuperior.alternate', cmd.delegatesToSuperior?.alternate],
  ];
  for (const [field, value] of counts) {
    if (value != null && (!Number.isInteger(value) || value < 0 || value > 100_000)) {
      errors.push(UserError.of('OUT_OF_RANGE', 'Must be from 0 to 100000.', f(...field.split('.'))));
    }
  }
  if (cmd.delegatesAttending != null && cmd.delegatesConvened != null && cmd.delegatesAttending > cmd.delegatesConvened) {
    errors.push(UserError.of('OUT_OF_RANGE', 'More delegates attending than convened.', f('delegatesAttending')));
  }
  if (congress.mode === CongressMode.TWO_CONTENT && (cmd.committeeFormation === CommitteeFormation.ELECTED || (cmd.delegatesToSuperior?.elected ?? 0) > 0)) {
    errors.push(
      UserError.of('ELECTION_NOT_ALLOWED', 'A two-content congress elects no one: the superior appoints the committee and the delegates.', f(cmd.committeeFormation === CommitteeFormation.ELECTED ? 'committeeFormation' : 'delegatesToSuperior')),
    );
  }
  // The Charter's rules (data: congress.rules.ts): quorum, who a cell elects, a full congress elects, approval first.
  const rules = await rulesFor(sql, congress.term);
  const lastMain = congress.stage === CongressStage.POSTPONED ? lastMainStage(await eventsOf(sql, [congress.id])) : congress.stage;
  errors.push(...resultRuleErrors(rules, { ...cmd, mode: congress.mode, level, members, lastMainStage: lastMain }, f));
  if (congress.round > 1) {
    errors.push(...(await roundErrors(sql, rules, { id: congress.organizationId, level }, congress.term, congress.round, cmd.heldStart, { round: f('id'), start: f('heldStart') })));
  }
  if (errors.length) throw new UserErrorException(errors);
  checkEffective(cmd.heldEnd, today, await lastEventDate(sql, congress.id), 'heldEnd');

  const pending = (await childCongresses(sql, [congress.organizationId], congress.term, cmd.heldEnd)).filter(
    (c) => c.stageAt !== CongressStage.SUPERSEDED && !isHeld(c.stageAt),
  );
  if (pending.length) {
    const orgs = await organizationsByIds(sql, pending.map((p) => p.organizationId));
    const names = orgs.map((o) => `${o.name} (${o.code})`).sort();
    const shown = names.slice(0, 10).join(', ') + (names.length > 10 ? ` and ${names.length - 10} more` : '');
    throw UserErrorException.of('SUBORDINATES_NOT_DONE', `Lower levels first: ${names.length} subordinate congress(es) not held by ${cmd.heldEnd}: ${shown}.`, f('heldEnd'));
  }

  congress.heldStart = cmd.heldStart;
  congress.heldEnd = cmd.heldEnd;
  congress.delegatesConvened = cmd.delegatesConvened ?? null;
  congress.delegatesAttending = cmd.delegatesAttending ?? null;
  congress.committeeSize = cmd.committeeSize ?? null;
  congress.committeeFormation = cmd.committeeFormation;
  congress.delegatesExOfficio = cmd.delegatesToSuperior?.exOfficio ?? null;
  congress.delegatesElected = cmd.delegatesToSuperior?.elected ?? null;
  congress.delegatesAppointed = cmd.delegatesToSuperior?.appointed ?? null;
  congress.delegatesAlternate = cmd.delegatesToSuperior?.alternate ?? null;
  await recordEvent(tx, congress, CongressStage.HELD, cmd.heldEnd, text.actor, text.note);
  await flush(tx, congress, before, { kind: 'CongressStageChanged', effectiveOn: cmd.heldEnd });
  return reread(tx, congress.id);
}

/**
 * A restructuring ended these organisations on `date`: their congresses that were not held will not take place
 * (SUPERSEDED from that day). A congress with changes recorded after that day refuses, to keep history in order.
 */
export async function supersedeCongresses(tx: Tx, organizationIds: string[], date: string, actor: string | null): Promise<number> {
  if (!organizationIds.length) return 0;
  actor = cleanTextOrThrow(actor, actorRule(f('actor')));
  const { sql } = tx;
  const open = await sql<{ id: string; stage: CongressStage; last: string | null; name: string }>(
    `select c.id, c.stage, (select max(e.effective_on)::text from congress_event e where e.congress_id = c.id) as last, o.name
       from congress c join organization o on o.id = c.organization_id
      where c.organization_id = any(?::uuid[]) and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
      for update of c`,
    [organizationIds],
  );
  for (const c of open) {
    if (c.last && c.last > date) {
      throw UserErrorException.of('OUT_OF_ORDER', `The congress of ${c.name} has changes after ${date}; it cannot be superseded on that day.`, f('id'));
    }
  }
  if (!open.length) return 0;
  const ids = open.map((c) => c.id);
  const change: DomainChange = {
    kind: 'CongressSuperseded',
    effectiveOn: date,
    organizations: organizationIds,
    entities: ids.map((id) => ref('Congress', id)),
    after: { stage: CongressStage.SUPERSEDED },
  };
  await tx.change(change, async () => {
    await sql(
      `insert into congress_event (congress_id, from_stage, to_stage, effective_on, actor, note)
       select c.id, c.stage, 'SUPERSEDED', ?, ?, 'Tổ chức kết thúc do sắp xếp, kiện toàn' from congress c where c.id = any(?::uuid[])`,
      [date, actor, ids],
    );
    await sql(`update congress set stage = 'SUPERSEDED', version = version + 1, updated_at = now() where id = any(?::uuid[])`, [ids]);
  });
  return ids.length;
}

/** A congress id derived from its organisation and term (one congress each), so a replayed history keeps its ids. */
export function derivedCongressId(organizationId: string, term: string): string {
  return uuidFromName('Congress', `${organizationId}:${term}`);
}

/**
 * A merged or newly formed organisation holds a two-content congress, numbered I, for the term running on `date`;
 * until the superior appoints the term committee, an interim committee (appointed) leads it.
 */
export async function openSuccessorCongress(tx: Tx, organizationId: string, date: string): Promise<string | null> {
  const { sql } = tx;
  const [term] = await sql<{ code: string }>('select code from term where starts_on <= ? and ends_on > ? order by starts_on desc limit 1', [date, date]);
  if (!term) return null;
  const [existing] = await sql('select 1 from congress where organization_id = ? and term = ?', [organizationId, term.code]);
  if (existing) return null;
  const id = derivedCongressId(organizationId, term.code);
  const change: DomainChange = {
    kind: 'CongressScheduled',
    organizations: [organizationId],
    entities: [ref('Congress', id), ref('Organization', organizationId)],
    after: { term: term.code, round: 1, ordinal: 1, mode: CongressMode.TWO_CONTENT, committeeFormation: CommitteeFormation.INTERIM_APPOINTED },
  };
  await tx.change(change, () =>
    sql(`insert into congress (id, organization_id, term, ordinal, mode, committee_formation) values (?, ?, ?, 1, 'TWO_CONTENT', 'INTERIM_APPOINTED')`, [
      id,
      organizationId,
      term.code,
    ]),
  );
  return id;
}
