import { LockMode } from '@mikro-orm/core';
import { inputField, UserError, UserErrorException } from '../common/errors';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { actorRule, cleanTexts, noteRule } from '../common/text';
import { organizationsByIds } from '../organization/organization.repository';
import type { OrganizationLevel } from '../organization/organization.levels';
import { Congress } from './congress.entity';
import { lengthInDays } from './congress.history';
import { calendarsOf, CONGRESS_COLUMNS, eventsOf, type CongressEventRow, type CongressRow } from './congress.repository';

/** The checks the congress commands share: dates, free texts, the lock and the version the client read. */

const f = inputField;

async function maxDaysFor(sql: Sql, term: string, level: OrganizationLevel): Promise<number | null> {
  const rows = await calendarsOf(sql, [term]);
  return rows.find((r) => r.level === level)?.maxDays ?? null;
}

export async function checkDates(sql: Sql, term: string, level: OrganizationLevel, start: string, end: string, fields: [string, string]): Promise<UserError[]> {
  if (end < start) return [UserError.of('END_BEFORE_START', `The end (${end}) is before the start (${start}).`, f(fields[1]))];
  const max = await maxDaysFor(sql, term, level);
  const days = lengthInDays(start, end);
  if (max !== null && days > max) {
    return [UserError.of('TOO_LONG', `${days} days is longer than the ${max} allowed for this level in ${term}.`, f(fields[1]))];
  }
  return [];
}

/** The free texts of a change, cleaned (NFC, trimmed, limits): values by name, and every refusal. */
export const cleanChangeTexts = (cmd: { note?: string | null; reason?: string | null; actor?: string | null }) =>
  cleanTexts({
    note: [cmd.note, noteRule(f('note'))],
    reason: [cmd.reason, noteRule(f('reason'), 'The reason')],
    actor: [cmd.actor, actorRule(f('actor'))],
  });

/** Loads a congress for a change, locking its row; checks existence and the version the client read. */
export async function loadForChange(tx: Tx, id: string, version: number): Promise<{ congress: Congress; level: OrganizationLevel; members: number }> {
  const congress = await lockCongress(tx, id, version);
  const [org] = await organizationsByIds(tx.sql, [congress.organizationId]);
  return { congress, level: org.level, members: org.memberCount };
}

/** Locks a congress for a change and checks the version the client read. */
export async function lockCongress(tx: Tx, id: string, version: number): Promise<Congress> {
  const congress = await tx.em.findOne(Congress, { id }, { lockMode: LockMode.PESSIMISTIC_WRITE });
  if (!congress) throw UserErrorException.of('NOT_FOUND', 'No such congress.', f('id'));
  if (congress.version !== version) {
    throw UserErrorException.of('STALE_VERSION', `The congress changed since you read it (version ${congress.version}, you sent ${version}).`, f('version'));
  }
  return congress;
}

/**
 * lockCongress and what a stage change reads next, in one statement (one round trip): the row as the API returns it
 * (the journal's before and after are taken from it; it is written with SQL, not through the ORM), its history, and
 * first of all the tree lock when the transaction left it to this statement (Tx.takeTreeLock). The history is read in
 * the statement's snapshot, the row as locked: they differ only when another transaction changed the congress while
 * this one waited for its lock, and every such change raises the version, so the version check refuses it then.
 */
export async function lockCongressWithEvents(tx: Tx, id: string, version: number): Promise<{ congress: CongressRow; events: CongressEventRow[] }> {
  const treeLock = tx.takeTreeLock();
  const [row] = await tx.sql<CongressRow & { events: (Omit<CongressEventRow, 'recordedAt'> & { recordedAt: string })[] }>(
    `${treeLock ? `with tree_lock as materialized (select ${treeLock})` : ''}
     select ${CONGRESS_COLUMNS},
            coalesce((select json_agg(json_build_object('congressId', e.congress_id, 'fromStage', e.from_stage, 'toStage', e.to_stage,
                                                        'effectiveOn', e.effective_on, 'actor', e.actor, 'note', e.note, 'recordedAt', e.recorded_at)
                                      order by e.effective_on, e.id)
                        from congress_event e where e.congress_id = c.id), '[]') as events
       from congress c
      where c.id = ? ${treeLock ? 'and exists (select 1 from tree_lock)' : ''}
        for update of c`,
    [id],
  );
  if (!row) throw UserErrorException.of('NOT_FOUND', 'No such congress.', f('id'));
  if (row.version !== version) {
    throw UserErrorException.of('STALE_VERSION', `The congress changed since you read it (version ${row.version}, you sent ${version}).`, f('version'));
  }
  const { events, ...congress } = row;
  return { congress, events: events.map((e) => ({ ...e, recordedAt: new Date(e.recordedAt) })) };
}

/** The effective date of the congress's last recorded change, if any. */
export async function lastEventDate(sql: Sql, congressId: string): Promise<string | null> {
  const events = await eventsOf(sql, [congressId]);
  return events.length ? events[events.length - 1].effectiveOn : null;
}

/**
 * A change takes effect no later than today (FUTURE_DATE), and neither before the day the congress was scheduled (its
 * stage is NOT_STARTED until then) nor before the last change in its history (OUT_OF_ORDER).
 */
export function checkEffective(effectiveOn: string, today: string, after: { scheduledOn?: string | null; last: string | null }, field = 'effectiveOn') {
  if (effectiveOn > today) throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${today}).`, f(field));
  const { scheduledOn, last } = after;
  if (scheduledOn && effectiveOn < scheduledOn) {
    throw UserErrorException.of('OUT_OF_ORDER', `The congress was scheduled on ${scheduledOn}; nothing happens to it before that day.`, f(field));
  }
  if (last && effectiveOn < last) {
    throw UserErrorException.of('OUT_OF_ORDER', `The history already has a change effective ${last}; record changes in date order.`, f(field));
  }
}
