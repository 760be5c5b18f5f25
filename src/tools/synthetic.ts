import crypto from 'node:crypto';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { addDays } from '../common/dates';
import { foldVietnamese } from '../common/text';
import { DEADLINES_2025_2030 } from '../congress/calendar-2025-2030';
import type { OrganizationLevel } from '../organization/organization.levels';

/**
 * A synthetic national forest for tests and benchmarks: a root, directly-under-central committees, above-base
 * committees (some nested), base committees and base cells, sub-committees in large base committees, cells, in
 * realistic proportions (../shared/domain/facts.md §2), depth up to 7; a congress for every organisation in every
 * stage, with a short history; a few pending restructurings. Bulk inserts straight into the base tables, in the
 * caller's kernel transaction, recorded as one `BulkLoaded` change: the roll-up counters are rebuilt from the base
 * tables before commit (src/progress/progress.consumer.ts), not tracked change by change.
 */
export interface SyntheticOptions {
  orgs: number;
  seed: number;
  today: string;
  /** Record start of the tree. */
  since?: string;
}

export function prng(seed: number) {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Node {
  id: string;
  code: string;
  name: string;
  level: string;
  parent: number;
  path: string[];
  members: number;
}

export function syntheticTree(opts: SyntheticOptions): Node[] {
  const rand = prng(opts.seed);
  const pick = <T>(xs: T[]) => xs[Math.floor(rand() * xs.length)];
  const n = Math.max(50, opts.orgs);
  const nodes: Node[] = [];
  const add = (level: string, parent: number, name: string, members = 0) => {
    const id = crypto.randomUUID();
    const i = nodes.length;
    nodes.push({ id, code: `SYN-${i}`, name, level, parent, path: parent < 0 ? [id] : [...nodes[parent].path, id], members });
    return i;
  };
  add('CENTRAL_COMMITTEE', -1, 'Ban Chấp hành Trung ương (tổng hợp)');
  const nDuc = Math.min(40, Math.max(2, Math.round(n / 7500)));
  const nAb = Math.max(2, Math.round(n * 0.015));
  const nBase = Math.max(4, Math.round(n * 0.18));
  const nSub = Math.max(1, Math.round(n * 0.02));
  const ducs = Array.from({ length: nDuc }, (_, i) => add('DIRECTLY_UNDER_CENTRAL', 0, `Đảng bộ trực thuộc Trung ương số ${i + 1}`));
  const abs: number[] = [];
  for (let i = 0; i < nAb; i++) {
    const parent = abs.length > 3 && rand() < 0.1 ? pick(abs) : pick(ducs);
    abs.push(add('ABOVE_BASE', parent, `Đảng ủy cấp trên cơ sở số ${i + 1}`));
  }
  const baseCommittees: number[] = [];
  for (let i = 0; i < nBase; i++) {
    const parent = rand() < 0.85 ? pick(abs) : pick(ducs);
    if (rand() < 0.4) baseCommittees.push(add('BASE_COMMITTEE', parent, `Đảng bộ cơ sở số ${i + 1}`));
    else add('BASE_CELL', parent, `Chi bộ cơ sở số ${i + 1}`, 15 + Math.floor(rand() * 31));
  }
  if (!baseCommittees.length) baseCommittees.push(add('BASE_COMMITTEE', pick(abs), 'Đảng bộ cơ sở số 0'));
  const large = baseCommittees.slice(0, Math.max(1, Math.ceil(baseCommittees.length / 4)));
  const subs = Array.from({ length: nSub }, (_, i) => add('SUB_COMMITTEE', pick(large), `Đảng bộ bộ phận số ${i + 1}`));
  const cellParents = [...baseCommittees, ...baseCommittees, ...subs];
  let c = 0;
  while (nodes.length < n) add('CELL', pick(cellParents), `Chi bộ số ${++c}`, 9 + Math.floor(rand() * 52));
  return nodes;
}

const STAGE_STEPS = ['PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED'];

/**
 * Writes the synthetic forest into an empty database: organisations, placements, congresses, events (the counters
 * follow at commit). Take the tree lock exclusively: `withTransaction(…, { treeLock: 'exclusive' })`.
 */
export async function loadSynthetic(tx: Tx, opts: SyntheticOptions, log: (phase: string, ms: number) => void = () => undefined): Promise<{ organizations: number }> {
  const { sql } = tx;
  let t = Date.now();
  const phase = (name: string) => {
    log(name, Date.now() - t);
    t = Date.now();
  };
  const since = opts.since ?? '2020-01-01';
  const nodes = syntheticTree(opts);
  const restore = await suspendIndexes(sql, ['organization', 'organization_placement', 'congress', 'congress_event']);
  const rand = prng(opts.seed + 1);
  const chunk = 20_000;
  for (let i = 0; i < nodes.length; i += chunk) {
    const part = nodes.slice(i, i + chunk);
    await sql(
      `insert into organization (id, code, name, level, member_count, established_on, search_text, sort_key)
       select id, code, name, level, members, ?::date, search, sort from unnest(?::uuid[], ?::text[], ?::text[], ?::text[], ?::int[], ?::text[], ?::text[])
         as t(id, code, name, level, members, search, sort)`,
      [since, part.map((x) => x.id), part.map((x) => x.code), part.map((x) => x.name), part.map((x) => x.level), part.map((x) => x.members),
        part.map((x) => foldVietnamese(`${x.name} ${x.code}`)), part.map((x) => foldVietnamese(x.name))],
    );
    await sql(
      `insert into organization_placement (organization_id, parent_id, path, depth, valid_from)
       select id, nullif(parent, '00000000-0000-0000-0000-000000000000')::uuid, string_to_array(path, ',')::uuid[], depth, ?::date
         from unnest(?::uuid[], ?::text[], ?::text[], ?::int[]) as t(id, parent, path, depth)`,
      [since, part.map((x) => x.id), part.map((x) => (x.parent < 0 ? '00000000-0000-0000-0000-000000000000' : nodes[x.parent].id)), part.map((x) => x.path.join(',')), part.map((x) => x.path.length - 1)],
    );
  }
  phase('organisations and placements');
  // A congress for everyone, in every stage, with a short history ending no later than today.
  const congresses: { id: string; org: string; stage: string; pilot: boolean; start: string; end: string; heldStart: string | null; heldEnd: string | null; override: string | null }[] = [];
  const events: { congress: string; from: string | null; to: string; on: string }[] = [];
  for (const x of nodes) {
    const deadline = DEADLINES_2025_2030[x.level as OrganizationLevel];
    const start = addDays(deadline, -Math.floor(rand() * 100) - 1);
    const r = rand();
    const late = rand() < 0.08;
    const stage = r < 0.6 ? (rand() < 0.5 ? 'HELD' : 'RESULTS_CONFIRMED') : r < 0.72 ? 'APPROVED' : r < 0.8 ? 'PERSONNEL_PLANNED' : r < 0.86 ? 'DOCUMENTS_DRAFTED' : r < 0.9 ? 'PLAN_ISSUED' : r < 0.94 ? 'POSTPONED' : r < 0.97 ? 'NOT_STARTED' : 'SUPERSEDED';
    const id = crypto.randomUUID();
    const heldStart = stage === 'HELD' || stage === 'RESULTS_CONFIRMED' ? (late ? addDays(deadline, 1 + Math.floor(rand() * 40)) : start) : null;
    const bound = (d: string) => (d > opts.today ? opts.today : d);
    congresses.push({ id, org: x.id, stage, pilot: rand() < 0.01, start, end: start, heldStart: heldStart && bound(heldStart), heldEnd: heldStart && bound(heldStart), override: rand() < 0.02 ? addDays(deadline, 30) : null });
    // Its history: the main line up to the stage, then the side state or the result.
    const path =
      stage === 'NOT_STARTED' ? [] :
      STAGE_STEPS.includes(stage) ? STAGE_STEPS.slice(0, STAGE_STEPS.indexOf(stage) + 1) :
      stage === 'POSTPONED' || stage === 'SUPERSEDED' ? ['PLAN_ISSUED', stage] :
      stage === 'HELD' ? ['PLAN_ISSUED', 'APPROVED', 'HELD'] : ['PLAN_ISSUED', 'APPROVED', 'HELD', 'RESULTS_CONFIRMED'];
    let from: string | null = null;
    let on = addDays(start, -70);
    for (const to of path) {
      on = to === 'HELD' ? heldStart! : to === 'RESULTS_CONFIRMED' ? addDays(heldStart!, 10) : addDays(on, 10);
      events.push({ congress: id, from, to, on: bound(on) });
      from = to;
    }
  }
  for (let i = 0; i < congresses.length; i += chunk) {
    const part = congresses.slice(i, i + chunk);
    await sql(
      `insert into congress (id, organization_id, term, ordinal, mode, pilot, planned_start, planned_end, deadline_override, held_start, held_end, stage, committee_formation)
       select id, org, '2025-2030', 1, 'FULL', pilot, s::date, s::date, nullif(o, '')::date, nullif(hs, '')::date, nullif(he, '')::date, stage,
              case when nullif(hs, '') is null then null else 'ELECTED' end
         from unnest(?::uuid[], ?::uuid[], ?::boolean[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[]) as t(id, org, pilot, s, o, hs, he, stage)`,
      [part.map((x) => x.id), part.map((x) => x.org), part.map((x) => x.pilot), part.map((x) => x.start), part.map((x) => x.override ?? ''), part.map((x) => x.heldStart ?? ''), part.map((x) => x.heldEnd ?? ''), part.map((x) => x.stage)],
    );
  }
  for (let i = 0; i < events.length; i += chunk) {
    const part = events.slice(i, i + chunk);
    await sql(
      `insert into congress_event (congress_id, from_stage, to_stage, effective_on, actor)
       select c, nullif(f, ''), t, d::date, 'synthetic' from unnest(?::uuid[], ?::text[], ?::text[], ?::text[]) as x(c, f, t, d)`,
      [part.map((x) => x.congress), part.map((x) => x.from ?? ''), part.map((x) => x.to), part.map((x) => x.on)],
    );
  }
  phase('congresses and events');
  // A few pending restructurings: two sibling cells proposed to merge.
  const cells = nodes.filter((x) => x.level === 'CELL');
  const pendingCount = Math.max(1, Math.floor(cells.length / 1000));
  for (let k = 0; k < pendingCount; k++) {
    const a = cells[(k * 2) % cells.length];
    const b = cells.find((x, j) => j > (k * 2) % cells.length && x.parent === a.parent && x.id !== a.id);
    if (!b) continue;
    const rid = crypto.randomUUID();
    await sql(`insert into restructuring (id, kind, title, effective_on) values (?, 'MERGE', ?, ?)`, [rid, `Hợp nhất ${a.name} và ${b.name}`, addDays(opts.today, 60)]);
    await sql(`insert into restructuring_participant (restructuring_id, organization_id, role, position) values (?, ?, 'SOURCE', 0), (?, ?, 'SOURCE', 1)`, [rid, a.id, rid, b.id]);
    await sql(`insert into restructuring_pending (organization_id, restructuring_id) values (?, ?), (?, ?) on conflict do nothing`, [a.id, rid, b.id, rid]);
    await sql(`insert into restructuring_event (restructuring_id, to_status, actor, effective_on) values (?, 'PROPOSED', 'synthetic', ?)`, [rid, opts.today]);
  }
  phase('pending restructurings');
  await restore();
  phase('indexes and constraints rebuilt');
  await tx.change({ kind: 'BulkLoaded', organizations: [nodes[0].id], entities: [], after: { organizations: nodes.length, seed: opts.seed } });
  await sql('analyze');
  phase('analyze');
  return { organizations: nodes.length };
}

/**
 * Bulk loading into empty tables is far faster without secondary indexes and constraints: drop them (remembering
 * their definitions from the catalog) and build them once at the end; foreign keys are checked at that point too.
 */
async function suspendIndexes(sql: Sql, tables: string[]): Promise<() => Promise<void>> {
  const constraints = await sql<{ table: string; name: string; def: string }>(
    `select c.conrelid::regclass::text as "table", c.conname as name, pg_get_constraintdef(c.oid) as def
       from pg_constraint c where c.conrelid = any(?::regclass[]) and c.contype in ('u', 'x', 'f')`,
    [tables],
  );
  const indexes = await sql<{ name: string; def: string }>(
    `select i.indexrelid::regclass::text as name, pg_get_indexdef(i.indexrelid) as def
       from pg_index i where i.indrelid = any(?::regclass[]) and not i.indisprimary
        and not exists (select 1 from pg_constraint c where c.conindid = i.indexrelid)`,
    [tables],
  );
  // Foreign keys first (they may depend on unique indexes), then the rest.
  for (const c of [...constraints].sort((a, b) => (a.def.startsWith('FOREIGN') ? -1 : 1) - (b.def.startsWith('FOREIGN') ? -1 : 1))) {
    await sql(`alter table ${c.table} drop constraint ${c.name}`);
  }
  for (const i of indexes) await sql(`drop index ${i.name}`);
  return async () => {
    for (const i of indexes) await sql(i.def);
    for (const c of [...constraints].sort((a, b) => (a.def.startsWith('FOREIGN') ? 1 : 0) - (b.def.startsWith('FOREIGN') ? 1 : 0))) {
      await sql(`alter table ${c.table} add constraint ${c.name} ${c.def}`);
    }
  };
}
