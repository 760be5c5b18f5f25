import { ADVANCE, schedule, type CongressRef } from './congress';
import { globalId, type TestApp } from './harness';
import { approveOk, proposeOk, type RestructuringRef } from './restructuring';
import { smallTree } from './trees';

/**
 * For every mutation of the schema, the data it needs and a valid input on it — so a test can run each mutation
 * without knowing it (test/audit.test.ts checks that every Mutation field of the served schema has one: a mutation
 * added without a fixture fails there).
 */

/** An entity as the journal and the audit log name it: type and uuid. */
export interface EntityKey {
  type: 'Organization' | 'Congress' | 'Restructuring' | 'TermCalendarEntry';
  id: string;
}

export interface MutationOutcome {
  /** Entities the mutation changes (the audit event names at least these). */
  entities: EntityKey[];
  /** One field it changes, on one of them, with its value before and after. */
  changed: EntityKey & { field: string; before: unknown; after: unknown };
}

export interface MutationFixture {
  /** A valid input on data built for it; the mutation succeeds with it. */
  input: Record<string, unknown>;
  /** The same call refused (a stale version or a missing object): nothing is written. */
  refused: Record<string, unknown>;
  /** What the successful call changed; read after it ran (ids of what it created are known only then). */
  outcome(): Promise<MutationOutcome>;
}

/** Builds the data a mutation needs on `app` (codes prefixed `p`, so fixtures never share data) and its inputs. */
export type FixtureBuilder = (app: TestApp, p: string) => Promise<MutationFixture>;

/** A well-formed id no object has. */
const GHOST = '0e0e0e0e-0000-4000-8000-0000000000f1';

const org = (id: string): EntityKey => ({ type: 'Organization', id });
const congress = (globalIdOf: string): EntityKey => ({ type: 'Congress', id: uuidOf(globalIdOf) });
const restructuring = (globalIdOf: string): EntityKey => ({ type: 'Restructuring', id: uuidOf(globalIdOf) });

/** The uuid inside a plain global id. */
export function uuidOf(globalIdOf: string): string {
  return Buffer.from(globalIdOf, 'base64url').toString('utf8').split(':')[1].split('@')[0];
}

async function uuidByCode(app: TestApp, code: string): Promise<string> {
  const [row] = await app.readBack<{ id: string }>(`select id from organization where code = $1`, [code]);
  if (!row) throw new Error(`no organisation ${code}`);
  return row.id;
}

/** A small tree (see trees.ts) and code → uuid. */
async function tree(app: TestApp, p: string) {
  const ids = await app.tree(smallTree(p));
  return (code: string) => ids.get(`${p}-${code}`)!;
}

async function advanced(app: TestApp, c: CongressRef, stage: string, effectiveOn: string): Promise<CongressRef> {
  const { body } = await app.gql(ADVANCE, { input: { id: c.id, version: c.version, stage, effectiveOn } });
  if (body.errors || body.data.congressAdvance.userErrors.length) throw new Error(JSON.stringify(body.errors ?? body.data.congressAdvance.userErrors));
  return body.data.congressAdvance.congress;
}

const stale = (ref: { version: number }) => ref.version + 7;

/** A proposal renaming the ministry committee MA (effective 1 September 2025). */
async function renameProposal(app: TestApp, p: string): Promise<{ r: RestructuringRef; ma: string }> {
  const id = await tree(app, p);
  const r = await proposeOk(app, { kind: 'RENAME', title: `${p} đổi tên`, effectiveOn: '2025-09-01', rename: { organization: globalId('Organization', id('MA')), name: `Đảng ủy Bộ mới ${p}` } });
  return { r, ma: id('MA') };
}

export const MUTATION_FIXTURES: Record<string, FixtureBuilder> = {
  async organizationCreate(app, p) {
    const id = await tree(app, p);
    const input = { code: `${p}-NEW`, name: `Chi bộ Mới ${p}`, level: 'CELL', parent: globalId('Organization', id('MA-B1')), memberCount: 9, establishedOn: '2025-01-15' };
    return {
      input,
      refused: { ...input, parent: globalId('Organization', GHOST) },
      async outcome() {
        const created = await uuidByCode(app, `${p}-NEW`);
        return { entities: [org(created)], changed: { ...org(created), field: 'name', before: null, after: input.name } };
      },
    };
  },

  async organizationUpdate(app, p) {
    const id = await tree(app, p);
    const input = { id: globalId('Organization', id('MA-B1-C1')), version: 1, name: `Chi bộ Đổi tên ${p}` };
    return {
      input,
      refused: { ...input, version: stale(input) },
      outcome: async () => ({ entities: [org(id('MA-B1-C1'))], changed: { ...org(id('MA-B1-C1')), field: 'name', before: `Chi bộ A1 ${p}`, after: input.name } }),
    };
  },

  async organizationMove(app, p) {
    const id = await tree(app, p);
    const input = { id: globalId('Organization', id('MA-B1')), newParent: globalId('Organization', id('MB')), effectiveOn: '2025-03-01' };
    return {
      input,
      refused: { ...input, version: 7 },
      outcome: async () => ({
        entities: [org(id('MA-B1'))],
        changed: { ...org(id('MA-B1')), field: 'parent', before: globalId('Organization', id('MA')), after: globalId('Organization', id('MB')) },
      }),
    };
  },

  async congressSchedule(app, p) {
    const id = await tree(app, p);
    const input = { organization: globalId('Organization', id('MA-B1-C1')), plannedStart: '2025-03-10', plannedEnd: '2025-03-10' };
    return {
      input,
      refused: { ...input, organization: globalId('Organization', GHOST) },
      async outcome() {
        const [row] = await app.readBack<{ id: string }>(`select id from congress where organization_id = $1`, [id('MA-B1-C1')]);
        const c: EntityKey = { type: 'Congress', id: row.id };
        return { entities: [c, org(id('MA-B1-C1'))], changed: { ...c, field: 'plannedStart', before: null, after: '2025-03-10' } };
      },
    };
  },

  async congressReschedule(app, p) {
    const id = await tree(app, p);
    const c = await schedule(app, id('MA-B1-C1'), '2025-03-10');
    const input = { id: c.id, version: c.version, plannedStart: '2025-03-12', plannedEnd: '2025-03-12' };
    return {
      input,
      refused: { ...input, version: stale(c) },
      outcome: async () => ({ entities: [congress(c.id)], changed: { ...congress(c.id), field: 'plannedStart', before: '2025-03-10', after: '2025-03-12' } }),
    };
  },

  async congressAdvance(app, p) {
    const id = await tree(app, p);
    const c = await schedule(app, id('MA-B1-C1'), '2025-03-10');
    const input = { id: c.id, version: c.version, stage: 'PLAN_ISSUED', effectiveOn: '2025-02-01' };
    return {
      input,
      refused: { ...input, version: stale(c) },
      outcome: async () => ({ entities: [congress(c.id)], changed: { ...congress(c.id), field: 'stage', before: 'NOT_STARTED', after: 'PLAN_ISSUED' } }),
    };
  },

  async congressPostpone(app, p) {
    const id = await tree(app, p);
    const c = await advanced(app, await schedule(app, id('MB-B1'), '2025-04-10', '2025-04-11'), 'APPROVED', '2025-03-20');
    const input = { id: c.id, version: c.version, reason: 'Chờ hợp nhất', plannedStart: '2025-06-10', plannedEnd: '2025-06-11', effectiveOn: '2025-04-01' };
    return {
      input,
      refused: { ...input, version: stale(c) },
      outcome: async () => ({ entities: [congress(c.id)], changed: { ...congress(c.id), field: 'stage', before: 'APPROVED', after: 'POSTPONED' } }),
    };
  },

  async congressRecordResult(app, p) {
    const id = await tree(app, p);
    const c = await advanced(app, await schedule(app, id('MA-B1-C1'), '2025-03-10'), 'APPROVED', '2025-03-01');
    const input = { id: c.id, version: c.version, heldStart: '2025-03-10', heldEnd: '2025-03-10', committeeFormation: 'ELECTED' };
    return {
      input,
      refused: { ...input, version: stale(c) },
      outcome: async () => ({ entities: [congress(c.id)], changed: { ...congress(c.id), field: 'stage', before: 'APPROVED', after: 'HELD' } }),
    };
  },

  async termCalendarSet(app) {
    // The calendar is shared by every fixture: this moves one level's deadline by a day from whatever it is now.
    const { body } = await app.gql(`{ termCalendar(term: "2025-2030") { level deadline maxDays version } }`);
    const entry = body.data.termCalendar.find((e: { level: string }) => e.level === 'SUB_COMMITTEE');
    const next = new Date(Date.parse(entry.deadline) + 86_400_000).toISOString().slice(0, 10);
    const input = { term: '2025-2030', level: 'SUB_COMMITTEE', deadline: next, maxDays: entry.maxDays, version: entry.version };
    const key: EntityKey = { type: 'TermCalendarEntry', id: '2025-2030:SUB_COMMITTEE' };
    return {
      input,
      refused: { ...input, version: stale(entry) },
      outcome: async () => ({ entities: [], changed: { ...key, field: 'deadline', before: entry.deadline, after: next } }),
    };
  },

  async restructuringPropose(app, p) {
    const id = await tree(app, p);
    const input = { kind: 'RENAME', title: `${p} đổi tên`, effectiveOn: '2025-09-01', rename: { organization: globalId('Organization', id('MA')), name: `Đảng ủy Bộ mới ${p}` } };
    return {
      input,
      refused: { ...input, rename: { ...input.rename, organization: globalId('Organization', GHOST) } },
      async outcome() {
        const [row] = await app.readBack<{ id: string }>(`select id from restructuring where title = $1`, [input.title]);
        const r: EntityKey = { type: 'Restructuring', id: row.id };
        return { entities: [r, org(id('MA'))], changed: { ...r, field: 'title', before: null, after: input.title } };
      },
    };
  },

  async restructuringApprove(app, p) {
    const { r, ma } = await renameProposal(app, p);
    const input = { id: r.id, version: r.version, decisionNumber: '1-QĐ/TW', decisionDate: '2025-08-20', issuer: 'Bộ Chính trị', effectiveOn: '2025-09-01' };
    return {
      input,
      refused: { ...input, version: stale(r) },
      outcome: async () => ({ entities: [restructuring(r.id), org(ma)], changed: { ...restructuring(r.id), field: 'status', before: 'PROPOSED', after: 'APPROVED' } }),
    };
  },

  async restructuringApply(app, p) {
    const { r: proposed, ma } = await renameProposal(app, p);
    const r = await approveOk(app, proposed, '2025-09-01', '2025-08-20');
    const input = { id: r.id, version: r.version };
    return {
      input,
      refused: { ...input, version: stale(r) },
      // The rename reaches the tree: the organisation's name changes.
      outcome: async () => ({ entities: [restructuring(r.id), org(ma)], changed: { ...org(ma), field: 'name', before: `Đảng ủy Bộ Tài chính ${p}`, after: `Đảng ủy Bộ mới ${p}` } }),
    };
  },

  async restructuringCancel(app, p) {
    const { r, ma } = await renameProposal(app, p);
    const input = { id: r.id, version: r.version, reason: 'Rút đề án' };
    return {
      input,
      refused: { ...input, version: stale(r) },
      outcome: async () => ({ entities: [restructuring(r.id), org(ma)], changed: { ...restructuring(r.id), field: 'status', before: 'PROPOSED', after: 'CANCELLED' } }),
    };
  },
};
