import { auditRecord, type AuditedChange } from '../src/audit/audit.record';

/** The audit row of one transaction, built from a hand-made journal (no database). */

const ANON = { kind: 'anonymous' as const, id: null, name: 'anonymous' };

describe('auditRecord: one row from a whole journal, from the base shape of its changes', () => {
  const o = (id: string) => ({ type: 'Organization', id });
  const c = (id: string) => ({ type: 'Congress', id });

  it('names every entity once, merges the changes of one entity (first before, last after) and collects the organisations', () => {
    const journal: AuditedChange[] = [
      { entities: [c('c1'), o('o1')], organizations: ['o1'], before: { stage: 'NOT_STARTED', version: 1 }, after: { stage: 'PLAN_ISSUED', version: 2 } },
      { entities: [c('c1')], organizations: ['o1'], before: { stage: 'PLAN_ISSUED', version: 2 }, after: { stage: 'APPROVED', version: 3 } },
      { entities: [o('o2'), o('o3')], organizations: ['o4'], after: { name: 'Mới', foundedOn: new Date('2025-01-02T00:00:00Z') } },
      { entities: [o('o1')], organizations: [] },
    ];
    expect(auditRecord(journal, { operation: 'congressAdvance', viewer: ANON, requestId: 'r-1' })).toEqual({
      principal: ANON,
      operation: 'congressAdvance',
      requestId: 'r-1',
      entities: [c('c1'), o('o1'), o('o2'), o('o3')],
      changes: [
        { ...c('c1'), before: { stage: 'NOT_STARTED', version: 1 }, after: { stage: 'APPROVED', version: 3 } },
        { ...o('o2'), before: {}, after: { name: 'Mới', foundedOn: '2025-01-02T00:00:00.000Z' } },
      ],
      organizations: ['o1', 'o2', 'o3', 'o4'],
    });
  });

  it('leaves out a field that ends as it began, and an entity left with no changed field', () => {
    const journal: AuditedChange[] = [
      { entities: [o('o1')], organizations: ['o1'], before: { name: 'A', code: 'X' }, after: { name: 'B', code: 'Y' } },
      { entities: [o('o1')], organizations: ['o1'], before: { name: 'B' }, after: { name: 'A' } },
      { entities: [o('o2')], organizations: ['o2'], before: { memberCount: 5 }, after: { memberCount: 6 } },
      { entities: [o('o2')], organizations: ['o2'], before: { memberCount: 6 }, after: { memberCount: 5 } },
    ];
    const r = auditRecord(journal, { operation: 'organizationUpdate', viewer: ANON, requestId: null });
    expect(r.changes).toEqual([{ ...o('o1'), before: { code: 'X' }, after: { code: 'Y' } }]);
    expect(r.entities).toEqual([o('o1'), o('o2')]);
  });

  it('takes the viewer as the principal, nothing else of it', () => {
    const viewer = { kind: 'system' as const, id: null, name: 'demo seed', extra: 'no' };
    expect(auditRecord([], { operation: 'demoSeed', viewer, requestId: null })).toEqual({
      principal: { kind: 'system', id: null, name: 'demo seed' },
      operation: 'demoSeed',
      requestId: null,
      entities: [],
      changes: [],
      organizations: [],
    });
  });
});
