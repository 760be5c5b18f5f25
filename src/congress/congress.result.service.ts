import { inputField, UserError, UserErrorException } from '../common/errors';
import type { Tx } from '../common/kernel';
import { organizationsByIds } from '../organization/organization.repository';
import { CommitteeFormation, CongressMode, CongressStage, isHeld } from './congress.enums';
import { fieldsOf, flushCongress, recordEvent, rereadCongress } from './congress.change';
import { lastMainStage } from './congress.history';
import { childCongresses, eventsOf, type CongressRow } from './congress.repository';
import { roundErrors } from './congress.rounds';
import { resultRuleErrors, rulesFor } from './congress.rules';
import { checkDates, checkEffective, cleanChangeTexts, lastEventDate, loadForChange } from './congress.validate';

/** Recording that a congress was held: dates, delegates, committee. In the caller's transaction. */

const f = inputField;

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
  checkEffective(cmd.heldEnd, today, { scheduledOn: congress.scheduledOn, last: await lastEventDate(sql, congress.id) }, 'heldEnd');

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
  await flushCongress(tx, congress, before, { kind: 'CongressStageChanged', effectiveOn: cmd.heldEnd });
  return rereadCongress(tx, congress.id);
}
