/**
 * The typed domain changes a write transaction records (the kernel's journal, src/common/kernel.ts). Features say
 * what changed; consumers wired at the composition root (src/kernel.ts) — roll-up counters, audit log, change
 * notification — decide what it means for them.
 */

export type EntityType = 'Organization' | 'Congress' | 'Restructuring' | 'TermCalendarEntry' | 'ReadinessReport' | 'CongressComplaints' | 'Principal' | 'RiskThreshold';

export interface EntityRef {
  type: EntityType;
  id: string;
}

interface ChangeBase {
  /** What the change touched, for the audit log (type + uuid). */
  entities: EntityRef[];
  /**
   * Organisations whose own roll-up contribution or place in the tree this change may alter (uuids). When the change
   * wraps its write (`tx.change(change, write)`), the roll-up counters compare their contributions before and after.
   */
  organizations: string[];
  /**
   * Organisations (uuids) whose subtree a scoped writer must hold for this change (src/access/access.consumer.ts).
   * Default: `organizations`, the organisations of Organization entities, the organisations of Congress entities and
   * the participants of Restructuring entities. Set it when the authority lies elsewhere (a parent acknowledging a
   * child's report: the parent).
   */
  authority?: string[];
  /** Changed fields only, before and after (for the audit log); omit when nothing is comparable. */
  before?: Record<string, unknown>;
  after?: Record<string, unknown>;
}

export type DomainChange =
  /** A new organisation is recorded (in the tree only once placed: OrganizationPlaced). */
  | (ChangeBase & { kind: 'OrganizationCreated' })
  /** Its own attributes: code, name, shortName, aboveBasePowers (and, until member counts are dated, memberCount). */
  | (ChangeBase & { kind: 'OrganizationUpdated' })
  | (ChangeBase & { kind: 'MembersChanged'; effectiveOn: string })
  /** Enters the tree under a parent (a new organisation, or one a restructuring establishes). */
  | (ChangeBase & { kind: 'OrganizationPlaced'; effectiveOn: string })
  /**
   * `subtreeRoot` moves with its subtree. `organizations`: the root, its old parent and its new parent (so listeners
   * learn both the old and the new path); the counters move the subtree's totals.
   */
  | (ChangeBase & { kind: 'OrganizationMoved'; effectiveOn: string; subtreeRoot: string })
  | (ChangeBase & { kind: 'OrganizationEnded'; effectiveOn: string })
  | (ChangeBase & { kind: 'OrganizationRenamed'; effectiveOn: string })
  /** `effectiveOn`: the day it was scheduled (before it, the congress does not exist). */
  | (ChangeBase & { kind: 'CongressScheduled'; effectiveOn: string })
  | (ChangeBase & { kind: 'CongressRescheduled' })
  | (ChangeBase & { kind: 'CongressStageChanged'; effectiveOn: string })
  | (ChangeBase & { kind: 'CongressSuperseded'; effectiveOn: string })
  | (ChangeBase & { kind: 'RestructuringProposed' | 'RestructuringApproved' | 'RestructuringApplied' | 'RestructuringCancelled' })
  | (ChangeBase & { kind: 'PendingClaimed' | 'PendingReleased' })
  /**
   * Readiness reports upward (src/readiness): a draft saved, a version submitted to the parent (`organizations`: the
   * reporting organisation), returned or acknowledged by the parent (`authority`: the parent).
   */
  | (ChangeBase & { kind: 'ReadinessDrafted' | 'ReadinessSubmitted' | 'ReadinessReturned' | 'ReadinessAcknowledged' })
  /** A congress's count of complaints or denunciations in one status, from `effectiveOn` (counts only, no personal data). */
  | (ChangeBase & { kind: 'ComplaintsCounted'; effectiveOn: string })
  /**
   * One level's entry of a term's calendar. `deadline`: the new deadline (the counters' held-late counts follow it);
   * `organizations` is empty: every organisation of the level may be concerned, the counters find which.
   */
  | (ChangeBase & { kind: 'CalendarChanged'; term: string; level: string; effectiveOn: string; deadline: string })
  /** One level's at-risk thresholds in a term (src/risk), from `effectiveOn`. `organizations`: none (nothing counted changes). */
  | (ChangeBase & { kind: 'RiskThresholdChanged'; effectiveOn: string })
  /**
   * A bulk load (seed:synthetic) that writes base tables directly: the roll-up counters are rebuilt from them before
   * commit. `organizations`: the roots of what was loaded.
   */
  | (ChangeBase & { kind: 'BulkLoaded' })
  /** Access control: a principal (and its first token) made, or revoked with every token. `organizations`: none. */
  | (ChangeBase & { kind: 'PrincipalCreated' | 'PrincipalRevoked' | 'TokenIssued' });

export type DomainChangeKind = DomainChange['kind'];

/** An entity reference (shorthand for journal entries). */
export const ref = (type: EntityType, id: string): EntityRef => ({ type, id });

/** The fields of `after` whose values differ from `before` (by JSON value), for a change's before/after. */
export function changedFields(before: Record<string, unknown>, after: Record<string, unknown>): { before: Record<string, unknown>; after: Record<string, unknown> } {
  const b: Record<string, unknown> = {};
  const a: Record<string, unknown> = {};
  for (const key of Object.keys(after)) {
    if (JSON.stringify(before[key] ?? null) !== JSON.stringify(after[key] ?? null)) {
      b[key] = before[key] ?? null;
      a[key] = after[key] ?? null;
    }
  }
  return { before: b, after: a };
}
