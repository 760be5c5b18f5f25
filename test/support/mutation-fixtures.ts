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
  type: 'Organization' | 'Congress' | 'Restructuring' | 'TermCalendarEntry' | 'RiskThreshold' | 'ReadinessReport' | 'CongressComplaints' | 'Principal';
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

  async riskThresholdSet(app) {
    // Thresholds are shared by every fixture: this lengthens one level's stuckDays by a day from whatever it is now.
    const { body } = await app.gql(`{ riskThresholds(term: "2025-2030") { level notScheduledWindowDays stuckDays version } }`);
    const entry = body.data.riskThresholds.find((e: { level: string }) => e.level === 'SUB_COMMITTEE');
    const input = { term: '2025-2030', level: 'SUB_COMMITTEE', notScheduledWindowDays: entry.notScheduledWindowDays, stuckDays: entry.stuckDays + 1, version: entry.version };
    const key: EntityKey = { type: 'RiskThreshold', id: '2025-2030:SUB_COMMITTEE' };
    return {
      input,
      refused: { ...input, version: stale(entry) },
      outcome: async () => ({ entities: [key], changed: { ...key, field: 'stuckDays', before: entry.stuckDays, after: input.stuckDays } }),
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

  async principalCreate(app, p) {
    const id = await tree(app, p);
    const input = { name: `${p} viewer of MA`, role: 'VIEWER', scope: globalId('Organization', id('MA')) };
    return {
      input,
      refused: { ...input, scope: null },
      async outcome() {
        const [row] = await app.readBack<{ id: string }>(`select id from principal where name = $1`, [input.name]);
        const key: EntityKey = { type: 'Principal', id: row.id };
        return { entities: [key], changed: { ...key, field: 'name', before: null, after: input.name } };
      },
    };
  },

  async principalRevoke(app, p) {
    await app.principal('PUBLIC', null, { name: `${p} to revoke` });
    const [row] = await app.readBack<{ id: string }>(`select id from principal where name = $1`, [`${p} to revoke`]);
    const key: EntityKey = { type: 'Principal', id: row.id };
    return {
      input: { principal: globalId('Principal', row.id) },
      refused: { principal: globalId('Principal', GHOST) },
      async outcome() {
        const [after] = await app.readBack<{ revokedAt: Date }>(`select revoked_at as "revokedAt" from principal where id = $1`, [row.id]);
        return { entities: [key], changed: { ...key, field: 'revokedAt', before: null, after: after.revokedAt.toISOString() } };
      },
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

  async readinessReportDraft(app, p) {
    const { base } = await readinessReporter(app, p);
    const input = { organization: globalId('Organization', base), narrative: `Bản nháp ${p}` };
    return {
      input,
      refused: { ...input, organization: globalId('Organization', GHOST) },
      async outcome() {
        const r = readiness(await reportOf(app, base));
        return { entities: [r, org(base)], changed: { ...r, field: 'status', before: null, after: 'DRAFT' } };
      },
    };
  },

  async readinessReportSubmit(app, p) {
    const { base } = await readinessReporter(app, p);
    const input = { organization: globalId('Organization', base), narrative: `Báo cáo ${p}` };
    return {
      input,
      refused: { ...input, organization: globalId('Organization', GHOST) },
      async outcome() {
        const r = readiness(await reportOf(app, base));
        return { entities: [r, org(base)], changed: { ...r, field: 'status', before: null, after: 'SUBMITTED' } };
      },
    };
  },

  async readinessReportReturn(app, p) {
    const { base, report } = await submittedReport(app, p);
    const input = { report, reason: `Bổ sung số liệu ${p}` };
    return {
      input,
      refused: { ...input, report: globalId('ReadinessReport', GHOST) },
      outcome: async () => ({ entities: [readiness(uuidOf(report)), org(base)], changed: { ...readiness(uuidOf(report)), field: 'status', before: 'SUBMITTED', after: 'RETURNED' } }),
    };
  },

  async readinessReportAcknowledge(app, p) {
    const { base, report } = await submittedReport(app, p);
    const input = { report, version: 1 };
    return {
      input,
      refused: { ...input, version: 8 },
      outcome: async () => ({ entities: [readiness(uuidOf(report)), org(base)], changed: { ...readiness(uuidOf(report)), field: 'status', before: 'SUBMITTED', after: 'ACKNOWLEDGED' } }),
    };
  },

  async congressComplaintsSet(app, p) {
    const { congress: c } = await readinessReporter(app, p);
    const input = { congress: c.id, kind: 'COMPLAINT', status: 'RECEIVED', count: 3, effectiveOn: '2025-02-01' };
    const key: EntityKey = { type: 'CongressComplaints', id: uuidOf(c.id) };
    return {
      input,
      refused: { ...input, count: -1 },
      outcome: async () => ({ entities: [key, congress(c.id)], changed: { ...key, field: 'COMPLAINT.RECEIVED', before: 0, after: 3 } }),
    };
  },
};

const readiness = (id: string): EntityKey => ({ type: 'ReadinessReport', id });

/** A base committee (MA-B1 of the small tree) with its congress scheduled: it reports its readiness to MA. */
async function readinessReporter(app: TestApp, p: string): Promise<{ base: string; congress: CongressRef }> {
  const id = await tree(app, p);
  const c = await schedule(app, id('MA-B1'), '2025-06-10', '2025-06-11');
  return { base: id('MA-B1'), congress: c };
}

/** The report's uuid (the one version or draft of the organisation). */
async function reportOf(app: TestApp, orgId: string): Promise<string> {
  const [row] = await app.readBack<{ id: string }>(`select id from readiness_report where organization_id = $1 order by version desc limit 1`, [orgId]);
  return row.id;
}

/** A reporter with version 1 submitted (through the API): its global id. */
async function submittedReport(app: TestApp, p: string): Promise<{ base: string; report: string }> {
  const { base } = await readinessReporter(app, p);
  const { body } = await app.gql(`mutation($input: ReadinessReportSubmitInput!) { readinessReportSubmit(input: $input) { report { id } userErrors { code message } } }`, {
    input: { organization: globalId('Organization', base), narrative: `Báo cáo ${p}` },
  });
  if (body.errors || body.data.readinessReportSubmit.userErrors.length) throw new Error(JSON.stringify(body.errors ?? body.data.readinessReportSubmit.userErrors));
  return { base, report: body.data.readinessReportSubmit.report.id };
}
