import crypto from 'node:crypto';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { Knex } from '@mikro-orm/postgresql';
import { from as copyFrom } from 'pg-copy-streams';
import { suspendIndexes } from '../common/bulk-load';
import type { Tx } from '../common/kernel';
import type { Sql } from '../common/sql';
import { foldVietnamese } from '../common/text';
import { DEADLINES_2025_2030 } from '../congress/calendar-2025-2030';

/**
 * A synthetic national forest for tests and benchmarks: a root, directly-under-central committees, above-base
 * committees (some nested), base committees and base cells, sub-committees in large base committees, cells, in
 * realistic proportions (../shared/domain/facts.md §2), depth up to 7; a congress for every organisation in every
 * stage, with a short history; a few pending restructurings. Bulk loaded (COPY) straight into the base tables, in the
 * caller's kernel transaction, recorded as one `BulkLoaded` change: the roll-up counters are rebuilt from the base
 * tables before commit (src/progress/progress.consumer.ts), not tracked change by change.
 *
 * For a given seed the shape, names, member counts, stages and dates are always the same (the ids are random). A
 * million organisations fit in a few typed arrays, and the rows are written as bytes: nothing holds a string, a path
 * or an object per organisation (a million live strings cost seconds of garbage collection alone).
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

/** The levels by their index in `SyntheticTree.level`. */
const LEVEL = ['CENTRAL_COMMITTEE', 'DIRECTLY_UNDER_CENTRAL', 'ABOVE_BASE', 'BASE_COMMITTEE', 'BASE_CELL', 'SUB_COMMITTEE', 'CELL'] as const;
const [CENTRAL, DUC, ABOVE_BASE, BASE_COMMITTEE, BASE_CELL, SUB_COMMITTEE, CELL] = [0, 1, 2, 3, 4, 5, 6];
const ROOT_NAME = 'Ban Chấp hành Trung ương (tổng hợp)';
/** Every other name is its level's prefix and a number. */
const NAME_PREFIX = ['', 'Đảng bộ trực thuộc Trung ương số ', 'Đảng ủy cấp trên cơ sở số ', 'Đảng bộ cơ sở số ', 'Chi bộ cơ sở số ', 'Đảng bộ bộ phận số ', 'Chi bộ số '];
/** foldVietnamese(prefix + number) = folded prefix + number (digits fold to themselves; the prefix ends in one space). */
const FOLDED_PREFIX = NAME_PREFIX.map((p) => (p ? foldVietnamese(`${p}0`).slice(0, -1) : ''));

/** Random version 4 uuids, 16 bytes each, as a buffer. */
function randomUuids(n: number): Buffer {
  const buf = crypto.randomFillSync(Buffer.allocUnsafe(16 * n));
  for (let o = 0; o < buf.length; o += 16) {
    buf[o + 6] = (buf[o + 6] & 0x0f) | 0x40;
    buf[o + 8] = (buf[o + 8] & 0x3f) | 0x80;
  }
  return buf;
}

/** The text form of the i-th uuid of `ids`. */
export function uuidAt(ids: Buffer, i: number): string {
  const h = ids.toString('hex', 16 * i, 16 * i + 16);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

/** The forest, one entry per organisation in creation order (index 0: the root). */
export interface SyntheticTree {
  size: number;
  /** 16 bytes per organisation (uuidAt). */
  ids: Buffer;
  /** The parent's index (-1: the root). */
  parent: Int32Array;
  /** Index into the levels (CENTRAL_COMMITTEE, DIRECTLY_UNDER_CENTRAL, ABOVE_BASE, BASE_COMMITTEE, BASE_CELL, SUB_COMMITTEE, CELL). */
  level: Uint8Array;
  depth: Uint8Array;
  members: Int32Array;
  /** The number in its name. */
  no: Int32Array;
}

export const nameOf = (t: SyntheticTree, i: number): string => (i === 0 ? ROOT_NAME : NAME_PREFIX[t.level[i]] + t.no[i]);

export function syntheticTree(opts: SyntheticOptions): SyntheticTree {
  const rand = prng(opts.seed);
  const pick = <T>(xs: ArrayLike<T>) => xs[Math.floor(rand() * xs.length)];
  const n = Math.max(50, opts.orgs);
  const nDuc = Math.min(40, Math.max(2, Math.round(n / 7500)));
  const nAb = Math.max(2, Math.round(n * 0.015));
  const nBase = Math.max(4, Math.round(n * 0.18));
  const nSub = Math.max(1, Math.round(n * 0.02));
  const capacity = Math.max(n, 2 + nDuc + nAb + nBase + nSub);
  const t: SyntheticTree = {
    size: 0,
    ids: randomUuids(capacity),
    parent: new Int32Array(capacity),
    level: new Uint8Array(capacity),
    depth: new Uint8Array(capacity),
    members: new Int32Array(capacity),
    no: new Int32Array(capacity),
  };
  const add = (level: number, parent: number, no: number, members = 0) => {
    const i = t.size++;
    t.parent[i] = parent;
    t.level[i] = level;
    t.depth[i] = parent < 0 ? 0 : t.depth[parent] + 1;
    t.members[i] = members;
    t.no[i] = no;
    return i;
  };
  // The same draws in the same order as ever: a seed keeps its tree.
  add(CENTRAL, -1, 0);
  const ducs = Array.from({ length: nDuc }, (_, i) => add(DUC, 0, i + 1));
  const abs: number[] = [];
  for (let i = 0; i < nAb; i++) {
    const parent = abs.length > 3 && rand() < 0.1 ? pick(abs) : pick(ducs);
    abs.push(add(ABOVE_BASE, parent, i + 1));
  }
  const baseCommittees: number[] = [];
  for (let i = 0; i < nBase; i++) {
    const parent = rand() < 0.85 ? pick(abs) : pick(ducs);
    if (rand() < 0.4) baseCommittees.push(add(BASE_COMMITTEE, parent, i + 1));
    else add(BASE_CELL, parent, i + 1, 15 + Math.floor(rand() * 31));
  }
  if (!baseCommittees.length) baseCommittees.push(add(BASE_COMMITTEE, pick(abs), 0));
  const large = baseCommittees.slice(0, Math.max(1, Math.ceil(baseCommittees.length / 4)));
  const subs = Array.from({ length: nSub }, (_, i) => add(SUB_COMMITTEE, pick(large), i + 1));
  const cellParents = [...baseCommittees, ...baseCommittees, ...subs];
  let c = 0;
  while (t.size < n) {
    const parent = pick(cellParents);
    add(CELL, parent, ++c, 9 + Math.floor(rand() * 52));
  }
  return t;
}

// Calendar days as day numbers (days since 1970-01-01), formatted through a cache: the dates drawn span a few years.
const DAY_MS = 86_400_000;
const dayOf = (date: string) => Date.parse(`${date}T00:00:00Z`) / DAY_MS;
const formatted = new Map<number, string>();
function dateOf(day: number): string {
  let s = formatted.get(day);
  if (s === undefined) formatted.set(day, (s = new Date(day * DAY_MS).toISOString().slice(0, 10)));
  return s;
}

const STAGE = ['NOT_STARTED', 'PLAN_ISSUED', 'DOCUMENTS_DRAFTED', 'PERSONNEL_PLANNED', 'APPROVED', 'HELD', 'RESULTS_CONFIRMED', 'POSTPONED', 'SUPERSEDED'] as const;
const [NOT_STARTED, PLAN_ISSUED, DOCUMENTS_DRAFTED, PERSONNEL_PLANNED, APPROVED, HELD, RESULTS_CONFIRMED, POSTPONED, SUPERSEDED] = [0, 1, 2, 3, 4, 5, 6, 7, 8];
/** A congress's history by its stage: the main line up to the stage, then the side state or the result. */
const HISTORY: number[][] = STAGE.map((_, s) =>
  s === NOT_STARTED ? [] :
  s <= APPROVED ? [PLAN_ISSUED, DOCUMENTS_DRAFTED, PERSONNEL_PLANNED, APPROVED].slice(0, s) :
  s === POSTPONED || s === SUPERSEDED ? [PLAN_ISSUED, s] :
  s === HELD ? [PLAN_ISSUED, APPROVED, HELD] : [PLAN_ISSUED, APPROVED, HELD, RESULTS_CONFIRMED],
);
const NONE = -1;

/** One congress per organisation (same index), drawn in organisation order from the seed + 1 stream. */
interface SyntheticCongresses {
  ids: Buffer;
  stage: Uint8Array;
  pilot: Uint8Array;
  /** Day numbers; NONE: none. `held` is the drawn day, not yet bounded by today. */
  start: Int32Array;
  held: Int32Array;
  override: Int32Array;
}

function syntheticCongresses(tree: SyntheticTree, seed: number): SyntheticCongresses {
  const rand = prng(seed + 1);
  const n = tree.size;
  const out: SyntheticCongresses = {
    ids: randomUuids(n),
    stage: new Uint8Array(n),
    pilot: new Uint8Array(n),
    start: new Int32Array(n),
    held: new Int32Array(n),
    override: new Int32Array(n),
  };
  const deadlines = LEVEL.map((l) => dayOf(DEADLINES_2025_2030[l]));
  for (let i = 0; i < n; i++) {
    const deadline = deadlines[tree.level[i]];
    const start = deadline - Math.floor(rand() * 100) - 1;
    const r = rand();
    const late = rand() < 0.08;
    const stage =
      r < 0.6 ? (rand() < 0.5 ? HELD : RESULTS_CONFIRMED) : r < 0.72 ? APPROVED : r < 0.8 ? PERSONNEL_PLANNED : r < 0.86 ? DOCUMENTS_DRAFTED : r < 0.9 ? PLAN_ISSUED : r < 0.94 ? POSTPONED : r < 0.97 ? NOT_STARTED : SUPERSEDED;
    out.stage[i] = stage;
    out.start[i] = start;
    out.held[i] = stage === HELD || stage === RESULTS_CONFIRMED ? (late ? deadline + 1 + Math.floor(rand() * 40) : start) : NONE;
    out.pilot[i] = rand() < 0.01 ? 1 : 0;
    out.override[i] = rand() < 0.02 ? deadline + 30 : NONE;
  }
  return out;
}

/**
 * COPY's binary format (PostgreSQL's COPY reference, "Binary Format"), written straight into buffers of about a
 * megabyte: PostgreSQL reads uuids, dates and arrays without parsing text, which halves the cost of storing them.
 * Each value goes in the binary form of its column's type: the columns' types are the migrations' (uuid, uuid[],
 * text, integer, smallint for the depth, boolean, date); a type that changes makes the COPY fail, never misread.
 */
const SIGNATURE = Buffer.from('PGCOPY\n\xff\r\n\0', 'latin1');
const UUID_OID = 2950;
/** Dates count days from 2000-01-01. */
const PG_EPOCH_DAY = dayOf('2000-01-01');

class CopyWriter {
  private buf = Buffer.allocUnsafe(1 << 20);
  pos = 0;
  private open = -1;

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const bigger = Buffer.allocUnsafe(Math.max(2 * this.buf.length, this.pos + n));
    this.buf.copy(bigger, 0, 0, this.pos);
    this.buf = bigger;
  }

  /** What was written so far; the writer starts afresh. */
  take(): Buffer {
    const out = this.buf.subarray(0, this.pos);
    this.buf = Buffer.allocUnsafe(this.buf.length);
    this.pos = 0;
    return out;
  }

  private int32(n: number): void {
    this.room(4);
    this.buf.writeInt32BE(n, this.pos);
    this.pos += 4;
  }

  header(): this {
    this.room(SIGNATURE.length + 8);
    this.pos += SIGNATURE.copy(this.buf, this.pos);
    this.int32(0); // flags
    this.int32(0); // header extension
    return this;
  }

  trailer(): this {
    return this.row(-1);
  }

  /** A row of `fields` values. */
  row(fields: number): this {
    this.room(2);
    this.buf.writeInt16BE(fields, this.pos);
    this.pos += 2;
    return this;
  }

  null(): this {
    this.int32(-1);
    return this;
  }

  /** A text value written piece by piece (`ascii`, `bytes`, `digits`) up to `done`. */
  text(): this {
    this.int32(0);
    this.open = this.pos;
    return this;
  }

  done(): this {
    this.buf.writeInt32BE(this.pos - this.open, this.open - 4);
    return this;
  }

  ascii(s: string): this {
    this.room(s.length);
    this.pos += this.buf.write(s, this.pos, 'latin1');
    return this;
  }

  bytes(b: Uint8Array): this {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
    return this;
  }

  digits(n: number): this {
    return this.ascii(String(n));
  }

  /** A whole text value. */
  textOf(b: Uint8Array): this {
    this.int32(b.length);
    return this.bytes(b);
  }

  int4(n: number): this {
    this.int32(4);
    this.int32(n);
    return this;
  }

  int2(n: number): this {
    this.int32(2);
    this.room(2);
    this.buf.writeInt16BE(n, this.pos);
    this.pos += 2;
    return this;
  }

  bool(b: boolean): this {
    this.int32(1);
    this.room(1);
    this.buf[this.pos++] = b ? 1 : 0;
    return this;
  }

  /** A date given as a day number (dayOf); NONE: null. */
  date(day: number): this {
    return day === NONE ? this.null() : this.int4(day - PG_EPOCH_DAY);
  }

  /** The i-th uuid of `ids`. */
  uuid(ids: Buffer, i: number): this {
    this.int32(16);
    this.room(16);
    this.pos += ids.copy(this.buf, this.pos, 16 * i, 16 * i + 16);
    return this;
  }

  /** A one-dimensional uuid[] of the uuids of `ids` at `at[0…count-1]`. */
  uuids(ids: Buffer, at: Int32Array, count: number): this {
    this.int32(20 + 20 * count);
    this.int32(1); // dimensions
    this.int32(0); // no nulls
    this.int32(UUID_OID);
    this.int32(count);
    this.int32(1); // lower bound
    for (let k = 0; k < count; k++) this.uuid(ids, at[k]);
    return this;
  }
}

/** `count` rows, each written by `row`, in chunks of about 256 kB, with the format's header and trailer. */
function* copyRows(count: number, row: (w: CopyWriter, i: number) => void): Generator<Buffer> {
  const w = new CopyWriter().header();
  for (let i = 0; i < count; i++) {
    row(w, i);
    if (w.pos >= 1 << 18) yield w.take();
  }
  yield w.trailer().take();
}

/**
 * `COPY table (columns) FROM STDIN (FORMAT binary)` on the transaction's own connection, the rows generated while
 * PostgreSQL stores the previous ones. The connection is the one MikroORM's (knex's) transaction holds: the
 * transaction client hands it out, so the COPY runs inside the caller's transaction like any other statement.
 */
async function copyInto(tx: Tx, table: string, columns: string[], rows: Iterable<Buffer>): Promise<void> {
  const trx = tx.em.getTransactionContext<Knex.Transaction>();
  const connection = (await (trx as unknown as { client?: { acquireConnection?: () => Promise<unknown> } } | undefined)?.client?.acquireConnection?.()) as
    | { query: (q: ReturnType<typeof copyFrom>) => ReturnType<typeof copyFrom> }
    | undefined;
  if (!connection || typeof connection.query !== 'function') throw new Error('loadSynthetic: COPY needs the node-postgres connection of a knex transaction');
  await pipeline(Readable.from(rows), connection.query(copyFrom(`copy ${table} (${columns.join(', ')}) from stdin (format binary)`)));
}

/**
 * Writes the synthetic forest into the database: organisations, placements, congresses, events (the counters follow
 * at commit). Take the tree lock exclusively: `withTransaction(…, { treeLock: 'exclusive' })`.
 */
export async function loadSynthetic(tx: Tx, opts: SyntheticOptions, log: (phase: string, ms: number) => void = () => undefined): Promise<{ organizations: number }> {
  const { sql } = tx;
  let t = Date.now();
  const phase = (name: string) => {
    log(name, Date.now() - t);
    t = Date.now();
  };
  const since = opts.since ?? '2020-01-01';
  const today = dayOf(opts.today);
  const bound = (d: number) => (d > today ? today : d);
  const tree = syntheticTree(opts);
  const { ids, parent, depth, members, level, no } = tree;
  const n = tree.size;
  phase('tree generated');
  // A bulk load's statements take as long as they take, with memory for its index builds, and no JIT compilation
  // (the foreign keys' checks would compile each their own).
  await sql(`select set_config('statement_timeout', '0', true), set_config('maintenance_work_mem', '1GB', true), set_config('jit', 'off', true)`);
  const restore = await suspendIndexes(sql, ['organization', 'organization_placement', 'congress', 'congress_event'], { primaryKeys: ['organization', 'congress'] });
  phase('indexes and constraints dropped');

  const utf8 = (s: string) => Buffer.from(s, 'utf8');
  const names = NAME_PREFIX.map((p, l) => utf8(l === CENTRAL ? ROOT_NAME : p));
  const folded = FOLDED_PREFIX.map((p, l) => utf8(l === CENTRAL ? foldVietnamese(ROOT_NAME) : p));
  const levels = LEVEL.map(utf8);
  const sinceDay = dayOf(since);
  // Each name (search text, sort key) is its level's prefix and number, but the root's, which is whole.
  const numbered = (w: CopyWriter, prefixes: Buffer[], i: number) => (i === 0 ? w.bytes(prefixes[CENTRAL]) : w.bytes(prefixes[level[i]]).digits(no[i]));
  await copyInto(
    tx,
    'organization',
    ['id', 'code', 'name', 'level', 'member_count', 'established_on', 'search_text', 'sort_key'],
    copyRows(n, (w, i) => {
      w.row(8).uuid(ids, i).text().ascii('SYN-').digits(i).done();
      numbered(w.text(), names, i).done().textOf(levels[level[i]]).int4(members[i]).date(sinceDay);
      numbered(w.text(), folded, i).ascii(' syn-').digits(i).done();
      numbered(w.text(), folded, i).done();
    }),
  );
  phase('organisations copied');
  const path = new Int32Array(256);
  await copyInto(
    tx,
    'organization_placement',
    ['organization_id', 'parent_id', 'path', 'depth', 'valid_from'],
    copyRows(n, (w, i) => {
      w.row(5).uuid(ids, i);
      if (parent[i] < 0) w.null();
      else w.uuid(ids, parent[i]);
      for (let k = depth[i], j = i; k >= 0; k--, j = parent[j]) path[k] = j;
      w.uuids(ids, path, depth[i] + 1).int2(depth[i]).date(sinceDay);
    }),
  );
  phase('placements copied');

  // A congress for everyone, in every stage, with a short history ending no later than today.
  const cg = syntheticCongresses(tree, opts.seed);
  phase('congresses generated');
  const stages = STAGE.map(utf8);
  const [term, full, elected] = ['2025-2030', 'FULL', 'ELECTED'].map(utf8);
  await copyInto(
    tx,
    'congress',
    ['id', 'organization_id', 'term', 'ordinal', 'mode', 'pilot', 'planned_start', 'planned_end', 'deadline_override', 'held_start', 'held_end', 'stage', 'committee_formation'],
    copyRows(n, (w, i) => {
      const held = cg.held[i] === NONE ? NONE : bound(cg.held[i]);
      w.row(13).uuid(cg.ids, i).uuid(ids, i).textOf(term).int4(1).textOf(full).bool(cg.pilot[i] === 1);
      w.date(cg.start[i]).date(cg.start[i]).date(cg.override[i]).date(held).date(held).textOf(stages[cg.stage[i]]);
      if (held === NONE) w.null();
      else w.textOf(elected);
    }),
  );
  phase('congresses copied');
  await copyInto(tx, 'congress_event', ['congress_id', 'from_stage', 'to_stage', 'effective_on', 'actor'], congressEvents(cg, bound));
  phase('events copied');

  await pendingRestructurings(sql, tree, opts.today);
  phase('pending restructurings');
  await restore();
  phase('indexes and constraints rebuilt');
  await tx.change({ kind: 'BulkLoaded', organizations: [uuidAt(ids, 0)], entities: [], after: { organizations: n, seed: opts.seed } });
  await sql('analyze');
  phase('analyze');
  return { organizations: n };
}

/** Each congress's history as COPY rows, congress after congress. */
function congressEvents(cg: SyntheticCongresses, bound: (day: number) => number): Generator<Buffer> {
  const stages = STAGE.map((s) => Buffer.from(s));
  const actor = Buffer.from('synthetic');
  return copyRows(cg.stage.length, (w, i) => {
    const held = cg.held[i];
    let from = NONE;
    let on = cg.start[i] - 70;
    for (const to of HISTORY[cg.stage[i]]) {
      on = to === HELD ? held : to === RESULTS_CONFIRMED ? held + 10 : on + 10;
      w.row(5).uuid(cg.ids, i);
      if (from === NONE) w.null();
      else w.textOf(stages[from]);
      w.textOf(stages[to]).date(bound(on)).textOf(actor);
      from = to;
    }
  });
}

/** A few pending restructurings: two sibling cells proposed to merge (an organisation pends in one only: the first). */
async function pendingRestructurings(sql: Sql, tree: SyntheticTree, today: string): Promise<void> {
  const cells: number[] = [];
  for (let i = 0; i < tree.size; i++) if (tree.level[i] === CELL) cells.push(i);
  const count = Math.max(1, Math.floor(cells.length / 1000));
  const r = { id: [] as string[], title: [] as string[], a: [] as string[], b: [] as string[] };
  const pending = new Map<string, string>();
  for (let k = 0; k < count && cells.length; k++) {
    const ka = (k * 2) % cells.length;
    const a = cells[ka];
    let b = -1;
    for (let j = ka + 1; j < cells.length && b < 0; j++) if (tree.parent[cells[j]] === tree.parent[a]) b = cells[j];
    if (b < 0) continue;
    const rid = crypto.randomUUID();
    const [ida, idb] = [uuidAt(tree.ids, a), uuidAt(tree.ids, b)];
    r.id.push(rid);
    r.title.push(`Hợp nhất ${nameOf(tree, a)} và ${nameOf(tree, b)}`);
    r.a.push(ida);
    r.b.push(idb);
    for (const org of [ida, idb]) if (!pending.has(org)) pending.set(org, rid);
  }
  if (!r.id.length) return;
  await sql(`insert into restructuring (id, kind, title, effective_on) select id, 'MERGE', title, ?::date from unnest(?::uuid[], ?::text[]) with ordinality as t(id, title, n) order by n`, [
    dateOf(dayOf(today) + 60),
    r.id,
    r.title,
  ]);
  await sql(
    `insert into restructuring_participant (restructuring_id, organization_id, role, position)
     select id, org, 'SOURCE', position from unnest(?::uuid[], ?::uuid[], ?::uuid[]) with ordinality as t(id, a, b, n)
       cross join lateral (values (a, 0, 1), (b, 1, 2)) as s(org, position, k) order by n, k`,
    [r.id, r.a, r.b],
  );
  await sql(
    `insert into restructuring_pending (organization_id, restructuring_id) select org, id from unnest(?::uuid[], ?::uuid[]) as t(org, id) on conflict do nothing`,
    [[...pending.keys()], [...pending.values()]],
  );
  await sql(
    `insert into restructuring_event (restructuring_id, to_status, actor, effective_on) select id, 'PROPOSED', 'synthetic', ?::date from unnest(?::uuid[]) with ordinality as t(id, n) order by n`,
    [today, r.id],
  );
}
