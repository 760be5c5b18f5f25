import type { EntityManager } from '@mikro-orm/postgresql';
import { UserErrorException } from '../common/errors';
import { sqlOf } from '../common/sql';
import type { OrganizationLevel } from '../organization/organization.levels';
import { trackCalendarChange } from '../progress/progress.maintenance';
import { calendarsOf, type CalendarRow } from './congress.repository';

export interface TermCalendarSetCommand {
  term: string;
  level: OrganizationLevel;
  deadline: string;
  maxDays: number;
  version?: number | null;
}

/**
 * Sets the deadline and maximum length of one level's congresses in one term. Congresses read their deadline from
 * here at query time (unless the superior set one explicitly), so a change touches no congress row; the roll-up's
 * held-late counts of the congresses whose lateness it changes follow in the same transaction.
 */
export async function setTermCalendar(em: EntityManager, cmd: TermCalendarSetCommand): Promise<CalendarRow> {
  const sql = sqlOf(em);
  const [term] = await sql<{ startsOn: string }>('select starts_on as "startsOn" from term where code = ?', [cmd.term]);
  if (!term) throw UserErrorException.of('NOT_FOUND', `No term ${cmd.term}.`, ['input', 'term']);
  if (!Number.isInteger(cmd.maxDays) || cmd.maxDays < 1 || cmd.maxDays > 30) {
    throw UserErrorException.of('OUT_OF_RANGE', 'maxDays must be from 1 to 30.', ['input', 'maxDays']);
  }
  const [current] = await sql<{ version: number }>('select version from term_calendar where term = ? and level = ? for update', [cmd.term, cmd.level]);
  if (current && cmd.version != null && cmd.version !== current.version) {
    throw UserErrorException.of('STALE_VERSION', `The entry changed since you read it (version ${current.version}).`, ['input', 'version']);
  }
  await trackCalendarChange(sql, cmd.term, cmd.level, cmd.deadline, () =>
    sql(
      `insert into term_calendar (term, level, deadline, max_days) values (?, ?, ?, ?)
       on conflict (term, level) do update set deadline = excluded.deadline, max_days = excluded.max_days,
         version = term_calendar.version + 1, updated_at = now()`,
      [cmd.term, cmd.level, cmd.deadline, cmd.maxDays],
    ),
  );
  return (await calendarsOf(sql, [cmd.term])).find((r) => r.level === cmd.level)!;
}
