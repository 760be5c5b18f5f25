import { inputField, UserErrorException } from '../common/errors';
import { ref, type DomainChange } from '../common/journal';
import type { Tx } from '../common/kernel';
import { actorRule, cleanTextOrThrow } from '../common/text';
import { uuidFromName } from '../common/uuid';
import { bumpVersion } from '../common/versioned';
import { CommitteeFormation, CongressMode, CongressStage } from './congress.enums';

/**
 * What a restructuring does to congresses (restructuring.apply.ts): the congresses of ended organisations are
 * superseded, a merged or new organisation opens its own. In the caller's transaction.
 */

const f = inputField;

/**
 * A restructuring ended these organisations on `date`: their congresses that were not held will not take place
 * (SUPERSEDED from that day). A congress with changes recorded after that day, or scheduled after it, refuses, to
 * keep history in order.
 */
export async function supersedeCongresses(tx: Tx, organizationIds: string[], date: string, actor: string | null): Promise<number> {
  if (!organizationIds.length) return 0;
  actor = cleanTextOrThrow(actor, actorRule(f('actor')));
  const { sql } = tx;
  const open = await sql<{ id: string; stage: CongressStage; last: string | null; name: string }>(
    `select c.id, c.stage, greatest((select max(e.effective_on) from congress_event e where e.congress_id = c.id), c.scheduled_on)::text as last, o.name
       from congress c join organization o on o.id = c.organization_id
      where c.organization_id = any(?::uuid[]) and c.stage not in ('HELD', 'RESULTS_CONFIRMED', 'SUPERSEDED')
      for update of c`,
    [organizationIds],
  );
  for (const c of open) {
    if (c.last && c.last > date) {
      throw UserErrorException.of('OUT_OF_ORDER', `The congress of ${c.name} was scheduled or changed after ${date}; it cannot be superseded on that day.`, f('id'));
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
    await bumpVersion(sql, 'congress', ids, { stage: CongressStage.SUPERSEDED });
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
    effectiveOn: date,
    organizations: [organizationId],
    entities: [ref('Congress', id), ref('Organization', organizationId)],
    after: { term: term.code, round: 1, scheduledOn: date, ordinal: 1, mode: CongressMode.TWO_CONTENT, committeeFormation: CommitteeFormation.INTERIM_APPOINTED },
  };
  // Scheduled on the day the organisation is formed (its plan, still empty, from that day too).
  await tx.change(change, () =>
    sql(
      `insert into congress (id, organization_id, term, ordinal, mode, committee_formation, scheduled_on, planned_since)
       values (?, ?, ?, 1, 'TWO_CONTENT', 'INTERIM_APPOINTED', ?, ?)`,
      [id, organizationId, term.code, date, date],
    ),
  );
  return id;
}
