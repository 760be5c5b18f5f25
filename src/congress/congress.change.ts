import { OptimisticLockError } from '@mikro-orm/core';
import { inputField, UserErrorException } from '../common/errors';
import { changedFields, ref } from '../common/journal';
import type { Tx } from '../common/kernel';
import { Congress, CongressEvent } from './congress.entity';
import type { CongressStage } from './congress.enums';
import { congressesByIds, type CongressRow } from './congress.repository';

/** Writing a congress change: its stage event, its flush recorded in the journal, the row read back. */

const f = inputField;

/** `actor` and `note` come cleaned (cleanChangeTexts). */
export async function recordEvent(tx: Tx, congress: Congress, to: CongressStage, effectiveOn: string, actor: string | null, note: string | null) {
  // The actor is the principal who made the change; the free-text `actor` of the input only where none is known
  // (seeds and tools write as the system).
  const by = tx.meta.viewer.kind === 'principal' ? tx.meta.viewer.name : actor;
  tx.em.create(CongressEvent, { congressId: congress.id, fromStage: congress.stage, toStage: to, effectiveOn, actor: by, note });
  congress.stage = to;
}

/** The fields of a congress a change may alter (the journal's before and after). */
export const fieldsOf = (c: Congress): Record<string, unknown> => ({
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
  const entities = [ref('Congress', congress.id), ref('Organization', congress.organizationId)];
  try {
    await tx.change({ ...change, organizations: [congress.organizationId], entities, ...diff }, () => tx.em.flush());
  } catch (err) {
    if (err instanceof OptimisticLockError) throw UserErrorException.of('STALE_VERSION', 'The congress changed while you edited it.', f('version'));
    throw err;
  }
}

/** The congress as the API returns it, read back after the change. */
export async function rereadCongress(tx: Tx, id: string): Promise<CongressRow> {
  return (await congressesByIds(tx.sql, [id]))[0];
}
