import { inputField, UserError, UserErrorException } from '../common/errors';
import { changedFields, ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import { bumpAssignments } from '../common/versioned';
import type { OrganizationLevel } from '../organization/organization.levels';
import { thresholdsOf, type ThresholdRow } from './risk.repository';

export interface RiskThresholdSetCommand {
  term: string;
  level: OrganizationLevel;
  notScheduledWindowDays: number;
  stuckDays: number;
  version?: number | null;
  /** The first day the new thresholds are in force; default: today. */
  effectiveOn?: string | null;
}

const f = inputField;
const inRange = (n: number, min: number, max: number) => Number.isInteger(n) && n >= min && n <= max;

/**
 * Sets one level's at-risk thresholds in one term from `effectiveOn` (default today), dated as the term calendar is:
 * not in the future (FUTURE_DATE), not before the entry's last change (OUT_OF_ORDER); the entry it replaces is kept in
 * risk_threshold_history for the dates before (a change on the same day as the last one replaces it), so a report on
 * an earlier date reads the thresholds as they stood then. Signals are computed when read: no other row changes.
 */
export async function setRiskThreshold(tx: Tx, cmd: RiskThresholdSetCommand): Promise<ThresholdRow> {
  const { sql } = tx;
  const [term] = await sql('select 1 from term where code = ?', [cmd.term]);
  if (!term) throw UserErrorException.of('NOT_FOUND', `No term ${cmd.term}.`, f('term'));
  const errors: UserError[] = [];
  if (!inRange(cmd.notScheduledWindowDays, 0, 366)) errors.push(UserError.of('OUT_OF_RANGE', 'notScheduledWindowDays must be from 0 to 366.', f('notScheduledWindowDays')));
  if (!inRange(cmd.stuckDays, 1, 366)) errors.push(UserError.of('OUT_OF_RANGE', 'stuckDays must be from 1 to 366.', f('stuckDays')));
  if (errors.length) throw new UserErrorException(errors);
  const [current] = await sql<{ version: number; notScheduledWindowDays: number; stuckDays: number; validFrom: string | null }>(
    `select version, not_scheduled_window_days as "notScheduledWindowDays", stuck_days as "stuckDays", valid_from::text as "validFrom"
       from risk_threshold where term = ? and level = ? for update`,
    [cmd.term, cmd.level],
  );
  if (current && cmd.version != null && cmd.version !== current.version) {
    throw UserErrorException.of('STALE_VERSION', `The entry changed since you read it (version ${current.version}).`, f('version'));
  }
  const today = tx.meta.today;
  const effectiveOn = cmd.effectiveOn ?? today;
  if (effectiveOn > today) throw UserErrorException.of('FUTURE_DATE', `${effectiveOn} is in the future (today is ${today}).`, f('effectiveOn'));
  if (current?.validFrom && effectiveOn < current.validFrom) {
    throw UserErrorException.of('OUT_OF_ORDER', `The entry already has a change effective ${current.validFrom}; record changes in date order.`, f('effectiveOn'));
  }
  const change: DomainChange = {
    kind: 'RiskThresholdChanged',
    effectiveOn,
    organizations: [],
    entities: [ref('RiskThreshold', `${cmd.term}:${cmd.level}`)],
    ...changedFields(
      { notScheduledWindowDays: current?.notScheduledWindowDays ?? null, stuckDays: current?.stuckDays ?? null, effectiveOn: current?.validFrom ?? null },
      { notScheduledWindowDays: cmd.notScheduledWindowDays, stuckDays: cmd.stuckDays, effectiveOn },
    ),
  };
  await tx.change(change, async () => {
    if (current && (!current.validFrom || effectiveOn > current.validFrom)) {
      await sql(
        `insert into risk_threshold_history (term, level, not_scheduled_window_days, stuck_days, version, valid_from, valid_to)
         select term, level, not_scheduled_window_days, stuck_days, version, valid_from, ? from risk_threshold where term = ? and level = ?`,
        [effectiveOn, cmd.term, cmd.level],
      );
    }
    await sql(
      `insert into risk_threshold (term, level, not_scheduled_window_days, stuck_days, valid_from) values (?, ?, ?, ?, ?)
       on conflict (term, level) do update set not_scheduled_window_days = excluded.not_scheduled_window_days, stuck_days = excluded.stuck_days,
         valid_from = excluded.valid_from, ${bumpAssignments('risk_threshold')}`,
      [cmd.term, cmd.level, cmd.notScheduledWindowDays, cmd.stuckDays, effectiveOn],
    );
  });
  return (await thresholdsOf(sql, cmd.term, today)).find((r) => r.level === cmd.level)!;
}
