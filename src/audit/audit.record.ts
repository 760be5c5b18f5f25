import { isDeepStrictEqual } from 'node:util';

/**
 * One audit event from one transaction's journal, built from the base shape every journal change has (what it
 * touched, the organisations it may alter, before/after of the fields it changed), never from its kind: a kind added
 * to the journal is audited without a change here.
 */

export interface AuditEntityRef {
  type: string;
  id: string;
}

/** What the audit needs of a journal change (the kernel's `ChangeBase`). */
export interface AuditedChange {
  entities: readonly AuditEntityRef[];
  organizations: readonly string[];
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export type PrincipalKind = 'anonymous' | 'principal' | 'system';

/** Who wrote (the kernel's `Viewer`). */
export interface AuditPrincipal {
  kind: PrincipalKind;
  id: string | null;
  name: string;
  /** A principal's role when it wrote (absent for anonymous and system writers, and for events before access control). */
  role?: string | null;
}

/** The changed fields of one entity over the whole transaction: each field's first `before` and last `after`. */
export interface AuditEntityChange extends AuditEntityRef {
  before: Record<string, unknown>;
  after: Record<string, unknown>;
}

export interface AuditRecord {
  principal: AuditPrincipal;
  operation: string;
  requestId: string | null;
  entities: AuditEntityRef[];
  changes: AuditEntityChange[];
  organizations: string[];
}

const keyOf = (e: AuditEntityRef) => `${e.type}:${e.id}`;

/** Values as they will read back from jsonb: dates as ISO strings, undefined as null. */
function plain(value: unknown): unknown {
  return value === undefined ? null : JSON.parse(JSON.stringify(value));
}

/**
 * The audit record of a transaction. `entities`: every entity of every change, once, in journal order.
 * `changes`: a change's `before`/`after` describe its first entity; several changes of one entity merge (a field's
 * first `before`, its last `after`), and a field that ends as it began is left out. `organizations`: every
 * organisation named by a change (its `organizations`, and entities of type Organization), once.
 */
export function auditRecord(journal: readonly AuditedChange[], meta: { operation: string; viewer: AuditPrincipal; requestId: string | null }): AuditRecord {
  const entities = new Map<string, AuditEntityRef>();
  const organizations = new Set<string>();
  const changed = new Map<string, AuditEntityChange>();
  for (const change of journal) {
    for (const e of change.entities) {
      if (!entities.has(keyOf(e))) entities.set(keyOf(e), { type: e.type, id: e.id });
      if (e.type === 'Organization') organizations.add(e.id);
    }
    for (const id of change.organizations) organizations.add(id);
    const subject = change.entities[0];
    if (!subject || (!change.before && !change.after)) continue;
    const merged = changed.get(keyOf(subject)) ?? { type: subject.type, id: subject.id, before: {}, after: {} };
    changed.set(keyOf(subject), merged);
    for (const [field, value] of Object.entries(change.before ?? {})) if (!(field in merged.before)) merged.before[field] = plain(value);
    for (const [field, value] of Object.entries(change.after ?? {})) merged.after[field] = plain(value);
  }
  const changes: AuditEntityChange[] = [];
  for (const c of changed.values()) {
    for (const field of Object.keys(c.before)) {
      if (field in c.after && isDeepStrictEqual(c.before[field], c.after[field])) {
        delete c.before[field];
        delete c.after[field];
      }
    }
    if (Object.keys(c.before).length || Object.keys(c.after).length) changes.push(c);
  }
  const { kind, id, name, role } = meta.viewer;
  return {
    principal: role && kind === 'principal' ? { kind, id, name, role } : { kind, id, name },
    operation: meta.operation,
    requestId: meta.requestId,
    entities: [...entities.values()],
    changes,
    organizations: [...organizations],
  };
}
