import { OptimisticLockError } from '@mikro-orm/core';
import { inputField, UserErrorException } from '../common/errors';
import { changedFields, ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import { Congress, CongressEvent } from './congress.entity';
import type { CongressStage } from './congress.enums';
import { congressesByIds, CONGRESS_COLUMNS, type CongressRow } from './congress.repository';

/** Writing a congress change: its stage event, its flush recorded in the journal, the row read back. */

const f = inputField;

/** `actor` and `note` come cleaned (cleanChangeTexts). */
export async function recordEvent(tx: Tx, congress: Congress, to: CongressStage, effectiveOn: string, actor: string | null, note: string | null) {
  tx.em.create(CongressEvent, { congressId: congress.id, fromStage: congress.stage, toStage: to, effectiveOn, actor: eventActor(tx, actor), note });
  congress.stage = to;
}

/**
 * The actor an event names: the principal who made the change; the free-text `actor` of the input only where none is
 * known (seeds and tools write as the system).
 */
const eventActor = (tx: Tx, actor: string | null) => (tx.meta.viewer.kind === 'principal' ? tx.meta.viewer.name : actor);

/** The fields of a congress a change may alter (the journal's before and after). */
export const fieldsOf = (c: Congress | CongressRow): Record<string, unknown> => ({
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

type CongressChange = { kind: 'CongressRescheduled' } | { kind: 'CongressScheduled' | 'CongressStageChanged'; effectiveOn: string };

/**
 * Flushes a congress change (`before`: its fields as loaded; null for a new one), recorded in the journal: the roll-up
 * counters of its organisation's ancestors follow in the same transaction.
 */
export async function flushCongress(tx: Tx, congress: Congress, before: Record<string, unknown> | null, change: CongressChange) {
  const diff = before
    ? changedFields(before, fieldsOf(congress))
    : { after: { term: congress.term, round: congress.round, scheduledOn: congress.scheduledOn ?? null, ...fieldsOf(congress) } };
  try {
    await tx.change(recordOf(congress, change, diff), () => tx.em.flush());
  } catch (err) {
    if (err instanceof OptimisticLockError) throw UserErrorException.of('STALE_VERSION', 'The congress changed while you edited it.', f('version'));
    throw err;
  }
}

/** The journal's record of a change to a congress. */
const recordOf = (congress: { id: string; organizationId: string }, change: CongressChange, diff: { before?: Record<string, unknown>; after: Record<string, unknown> }) => ({
  ...change,
  organizations: [congress.organizationId],
  entities: [ref('Congress', congress.id), ref('Organization', congress.organizationId)],
  ...diff,
});

/**
 * A stage change written in one statement (one round trip), recorded in the journal like flushCongress: its event, the
 * row (the stage, the held dates when cleared, the version raised if still the one locked: else STALE_VERSION), the row
 * read back as the API returns it. `congress`: the row as locked (lockCongressWithEvents), unchanged.
 */
export async function writeStageChange(
  tx: Tx,
  congress: CongressRow,
  event: { to: CongressStage; effectiveOn: string; actor: string | null; note: string | null; clearHeld: boolean },
): Promise<CongressRow> {
  const recordedAt = new Date();
  const after: CongressRow = { ...congress, stage: event.to, ...(event.clearHeld ? { heldStart: null, heldEnd: null } : {}) };
  const change: CongressChange = { kind: 'CongressStageChanged', effectiveOn: event.effectiveOn };
  return tx.change(recordOf(congress, change, changedFields(fieldsOf(congress), fieldsOf(after))), async () => {
    const [row] = await tx.sql<CongressRow>(
      `with event as (
         insert into congress_event (congress_id, from_stage, to_stage, effective_on, actor, note, recorded_at) values (?, ?, ?, ?, ?, ?, ?)),
       c as (
         update congress set stage = ?, held_start = ?, held_end = ?, updated_at = ?, version = version + 1
          where id = ? and version = ? returning *)
       select ${CONGRESS_COLUMNS} from c`,
      [congress.id, congress.stage, event.to, event.effectiveOn, eventActor(tx, event.actor), event.note, recordedAt,
       after.stage, after.heldStart, after.heldEnd, new Date(), congress.id, congress.version],
    );
    if (!row) throw UserErrorException.of('STALE_VERSION', 'The congress changed while you edited it.', f('version'));
    // Written past the ORM: a copy it holds from earlier in this transaction (a seed's or tool's series of changes) is
    // stale now, so it forgets it, and its next read of the congress loads the row afresh.
    const held = tx.em.getUnitOfWork().getById<Congress>(Congress.name, congress.id);
    if (held) tx.em.getUnitOfWork().unsetIdentity(held);
    // The statement reads the history as it stood before its own insert: the new event is the latest (checkEffective).
    return { ...row, lastEventOn: row.lastEventOn && row.lastEventOn > event.effectiveOn ? row.lastEventOn : event.effectiveOn };
  });
}

/** The congress as the API returns it, read back after the change. */
export async function rereadCongress(tx: Tx, id: string): Promise<CongressRow> {
  return (await congressesByIds(tx.sql, [id]))[0];
}
