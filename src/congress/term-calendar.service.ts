import { UserErrorException } from '../common/errors';
import { changedFields, ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import { bumpAssignments } from '../common/versioned';
import type { OrganizationLevel } from '../organization/organization.levels';
import { calendarsOf, type CalendarRow } from './congress.repository';

export interface TermCalendarSetCommand {
  term: string;
  level: OrganizationLevel;
  deadline: string;
  maxDays: number;
  version?: number | null;
  /** The first day the new entry is in force; default: today. */
  effectiveOn?: string | null;
}

/**
 * Sets the deadline and maximum length of one level's congresses in one term from `effectiveOn` (default today): not
 * in the future (FUTURE_DATE), not before the entry's last change (OUT_OF_ORDER). The entry it replaces is kept in
 * term_calendar_history for the dates before, so a report on an earlier date reads the calendar as it stood then;
 * term_calendar holds the entry in force on the latest date (a change on the same day as the last one replaces it).
 * Congresses read their deadline at query time (unless the superior set one explicitly), so a change touches no
 * congress row; the roll-up's held-late counts — which describe the latest state, this entry — follow in the same
 * transaction (CalendarChanged).
 */
export async function setTermCalendar(tx: Tx, cmd: TermCalendarSetCommand): Promise<CalendarRow> {
  const { sql } = tx;
  const [term] = await sql<{ startsOn: string }>('select starts_on as "startsOn" from term where code = ?', [cmd.term]);
  if (!term) throw UserErrorException.of('NOT_FOUND', `No term ${cmd.term}.`, ['input', 'term']);
  if (!Number.isInteger(cmd.maxDays) || cmd.maxDays < 1 || cmd.maxDays > 30) {
    throw UserErrorException.of('OUT_OF_RANGE', 'maxDays must be from 1 to 30.', ['input', 'maxDays']);
  }
  const [current] = await sql<{ version: number; deadline: string; maxDays: number; validFrom: string | null }>(
    'select version, deadline::text as deadline, max_days as "maxDays", valid_from::text as "validFrom" from term_calendar where term = ? and level = ? for update',
    [cmd.term, cmd.level],
  );
  if (current && cmd.version != null && cmd.version !== current.version) {
    throw UserErrorException.of('STALE_VERSION', `The entry changed since you read it (version ${current.version}).`, ['input', 'version']);
  }
  const effectiveOn = cmd.effectiveOn ?? tx.meta.today;
  if (effectiveOn > tx.meta.today) {
    throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${tx.meta.today}).`, ['input', 'effectiveOn']);
  }
  if (current?.validFrom && effectiveOn < current.validFrom) {
    throw UserErrorException.of('OUT_OF_ORDER', `The entry already has a change effective ${current.validFrom}; record changes in date order.`, ['input', 'effectiveOn']);
  }
  const diff = changedFields(
    { deadline: current?.deadline ?? null, maxDays: current?.maxDays ?? null, effectiveOn: current?.validFrom ?? null },
    { deadline: cmd.deadline, maxDays: cmd.maxDays, effectiveOn },
  );
  const change: DomainChange = {
    kind: 'CalendarChanged',
    term: cmd.term,
    level: cmd.level,
    effectiveOn,
    deadline: cmd.deadline,
    organizations: [],
    entities: [ref('TermCalendarEntry', `${cmd.term}:${cmd.level}`)],
    ...diff,
  };
  await tx.change(change, async () => {
    if (current && (!current.validFrom || effectiveOn > current.validFrom)) {
      await sql(
        `insert into term_calendar_history (term, level, deadline, max_days, version, valid_from, valid_to)
         select term, level, deadline, max_days, version, valid_from, ? from term_calendar where term = ? and level = ?`,
        [effectiveOn, cmd.term, cmd.level],
      );
    }
    await sql(
      `insert into term_calendar (term, level, deadline, max_days, valid_from) values (?, ?, ?, ?, ?)
       on conflict (term, level) do update set deadline = excluded.deadline, max_days = excluded.max_days, valid_from = excluded.valid_from,
         ${bumpAssignments('term_calendar')}`,
      [cmd.term, cmd.level, cmd.deadline, cmd.maxDays, effectiveOn],
    );
  });
  return (await calendarsOf(sql, [cmd.term])).find((r) => r.level === cmd.level)!;
}
