import { inputField, UserErrorException } from '../common/errors';
import type { Tx } from '../common/kernel';
import { CongressStage, isHeld, rank } from './congress.enums';
import { fieldsOf, flushCongress, recordEvent, rereadCongress, writeStageChange } from './congress.change';
import { lastMainStage } from './congress.history';
import type { CongressRow } from './congress.repository';
import { replan } from './congress.plans';
import { checkDates, checkEffective, cleanChangeTexts, lastEventDate, loadForChange, lockCongressWithEvents } from './congress.validate';

/** Moving a congress along its stages: advance (or back, with a reason), postpone. In the caller's transaction. */

const f = inputField;

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

/**
 * Moves along the main line. In few round trips (the common write): the tree lock, the row lock and the history in one
 * statement (the caller lets it take the tree lock: `treeLockInFirstStatement`), the event, the row and its reading
 * back in another. Forward (skipping is allowed and recorded) to any stage but HELD, which needs the
 * results (congressRecordResult); back only with a reason. From POSTPONED, resumes at or after the interrupted stage.
 */
export async function advanceCongress(tx: Tx, cmd: CongressAdvanceCommand, today: string): Promise<CongressRow> {
  const { congress, events } = await lockCongressWithEvents(tx, cmd.id, cmd.version);
  const { values: text, errors } = cleanChangeTexts(cmd);
  if (errors.length) throw new UserErrorException(errors);
  if (congress.stage === CongressStage.SUPERSEDED) throw UserErrorException.of('SUPERSEDED', 'This congress was superseded by a restructuring.', f('id'));
  if (cmd.stage === CongressStage.SUPERSEDED || cmd.stage === CongressStage.POSTPONED) {
    throw UserErrorException.of('NOT_ALLOWED', `${cmd.stage} is set by ${cmd.stage === CongressStage.POSTPONED ? 'congressPostpone' : 'a restructuring'}.`, f('stage'));
  }
  if (cmd.stage === CongressStage.HELD) {
    throw UserErrorException.of('RESULT_REQUIRED', 'Record the congress with congressRecordResult (dates, delegates, committee).', f('stage'));
  }
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
  checkEffective(cmd.effectiveOn, today, { scheduledOn: congress.scheduledOn, last: events.length ? events[events.length - 1].effectiveOn : null });
  const clearHeld = backward && isHeld(base) && !isHeld(cmd.stage);
  const note = [text.reason, text.note].filter(Boolean).join(' — ') || null;
  return writeStageChange(tx, congress, { to: cmd.stage, effectiveOn: cmd.effectiveOn, actor: text.actor, note, clearHeld });
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
  checkEffective(cmd.effectiveOn, today, { scheduledOn: congress.scheduledOn, last: await lastEventDate(sql, congress.id) });
  await replan(sql, congress, { plannedStart: cmd.plannedStart, plannedEnd: cmd.plannedEnd }, cmd.effectiveOn, today, f('effectiveOn'));
  await recordEvent(tx, congress, CongressStage.POSTPONED, cmd.effectiveOn, text.actor, `${text.reason} (new date ${cmd.plannedStart})`);
  await flushCongress(tx, congress, before, { kind: 'CongressStageChanged', effectiveOn: cmd.effectiveOn });
  return rereadCongress(tx, congress.id);
}
