import { Authorized, Ctx, Field, Float, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ROLES } from '../access/access.auth-checker';
import { ConnectionType } from '../common/connection';
import { DateScalar } from '../common/dates';
import { toGlobalId, viewGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import type { ScopeRef, Scoped } from '../common/scope-ref';
import { CongressStage } from '../congress/congress.enums';
import type { ChecklistData } from './readiness.checklist';
import { ReadinessStatus } from './readiness.enums';
import type { ReportRow } from './readiness.repository';

const contentOf = (organizationId: string, date: string): ScopeRef => ({ kind: 'organization', id: organizationId, date, type: 'content' });

/** Its status on `date`: a version decided after `date` was still SUBMITTED then. */
export function statusOn(row: ReportRow, date: string): ReadinessStatus {
  if (row.status === ReadinessStatus.DRAFT) return ReadinessStatus.DRAFT;
  return row.decidedOn !== null && row.decidedOn <= date ? row.status : ReadinessStatus.SUBMITTED;
}

/** The version existed on `date` (a draft: always; a submitted version: from the day it was submitted). */
export const existedOn = (row: ReportRow, date: string): boolean => row.submittedOn === null || row.submittedOn <= date;

@ObjectType('ReadinessChecklist', {
  description:
    'What a readiness report checks, computed from live data on `computedOn` (a submitted version keeps the one computed at its submission). ' +
    'Stages map to the booleans by the main line: documentsDrafted from DOCUMENTS_DRAFTED on, personnelPlanApproved from APPROVED on (PERSONNEL_PLANNED is a plan not yet approved); ' +
    'a POSTPONED congress keeps the stage it had reached, a SUPERSEDED one has neither.',
})
export class ReadinessChecklistType implements Scoped {
  organizationId!: string;
  /** The date the object is read at (for access: the organisation's scope on that date). */
  readOn!: string;

  @Field(() => Int, { description: 'Its direct children on computedOn whose congress counts (not SUPERSEDED; none scheduled counts as NOT_STARTED): progress(scope: CHILDREN).congressesExpected then.' })
  subordinateCongressesExpected!: number;
  @Field(() => Int, { description: 'Of those, held (HELD or RESULTS_CONFIRMED) by the end of computedOn.' }) subordinateCongressesHeld!: number;
  @Field(() => Float, { description: 'subordinateCongressesHeld / subordinateCongressesExpected; 0 when nothing is expected.' }) subordinateHeldRatio!: number;
  @Field({ description: 'Its own congress (the current term’s) had reached DOCUMENTS_DRAFTED or beyond on computedOn.' }) documentsDrafted!: boolean;
  @Field({ description: 'Its own congress had reached APPROVED (documents and personnel approved by the superior) or beyond on computedOn.' }) personnelPlanApproved!: boolean;
  @Field(() => Int, { description: 'Restructurings pending (PROPOSED or APPROVED) on computedOn with a participant in its subtree (itself included).' })
  pendingRestructurings!: number;
  @Authorized(...ROLES.internal)
  @Field(() => Int, { description: 'Complaints and denunciations about its own congress, RECEIVED or IN_PROGRESS on computedOn. Not open to PUBLIC.' })
  openComplaints!: number;
  @Field(() => CongressStage, { nullable: true, description: 'Its own congress’s stage on computedOn, which the booleans derive from (null: none scheduled by then).' })
  congressStage!: CongressStage | null;
  @Field(() => DateScalar, { description: 'The day the checklist was computed for (a submitted version: the day it was submitted).' }) computedOn!: string;

  scopeRef(): ScopeRef {
    return contentOf(this.organizationId, this.readOn);
  }

  static from(data: ChecklistData, organizationId: string, readOn: string): ReadinessChecklistType {
    const expected = data.subordinateCongressesExpected;
    return Object.assign(new ReadinessChecklistType(), {
      organizationId,
      readOn,
      subordinateCongressesExpected: expected,
      subordinateCongressesHeld: data.subordinateCongressesHeld,
      subordinateHeldRatio: expected ? data.subordinateCongressesHeld / expected : 0,
      documentsDrafted: data.documentsDrafted,
      personnelPlanApproved: data.personnelPlanApproved,
      pendingRestructurings: data.pendingRestructurings,
      openComplaints: data.openComplaints,
      congressStage: data.congressStage ?? null,
      computedOn: data.computedOn,
    });
  }
}

/**
 * A version of an organisation's readiness report for its own congress, as read on a date (`asOf`): its status,
 * return reason and decision answer as of that date. Read on a date other than today it has an id of its own.
 */
@ObjectType('ReadinessReport', {
  implements: Node,
  description:
    'A version of a committee’s readiness report for its own congress (the current term’s), submitted to its parent, which acknowledges it or returns it with a reason; ' +
    'a resubmission is a new version. Read as of a date (`asOf`): status, returnReason and the decision answer as they stood then. ' +
    'Read on a date other than today it is a distinct object with its own `id`.',
})
export class ReadinessReportType implements Scoped {
  uuid!: string;
  organizationId!: string;
  row!: ReportRow;

  @Field(() => DateScalar, { description: 'The date this object was read at.' })
  asOf!: string;

  @Field(() => ID, { description: 'Opaque global id of the report as read on `asOf` (the same as `canonicalId` when read today).' })
  id(@Ctx('today') today: string): string {
    return viewGlobalId('ReadinessReport', this.uuid, this.asOf, today);
  }

  @Field(() => ID, { description: 'The id of the report itself, the same on every date.' })
  get canonicalId(): string {
    return toGlobalId('ReadinessReport', this.uuid);
  }

  @Field(() => Int, { description: 'The version: 1 for the first submission, one more for each resubmission (a draft: the version it will be).' }) version!: number;
  @Field(() => ReadinessStatus, { description: 'As of the date read.' }) status!: ReadinessStatus;
  @Field(() => ReadinessChecklistType, { nullable: true, description: 'Computed from live data at submission and kept with the version; null for a draft (see Organization.readinessChecklist).' })
  checklist!: ReadinessChecklistType | null;
  @Authorized(...ROLES.internal)
  @Field(() => String, { nullable: true, description: 'The committee’s own account. Not open to PUBLIC.' })
  narrative!: string | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When it was submitted (null: a draft).' }) submittedAt!: Date | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day it was submitted (null: a draft).' }) submittedOn!: string | null;
  @Authorized(...ROLES.internal)
  @Field(() => String, { nullable: true, description: 'Why the parent returned it (status RETURNED as of the date read). Not open to PUBLIC.' })
  returnReason!: string | null;
  @Field(() => DateTimeResolver, { nullable: true, description: 'When the parent returned or acknowledged it (as of the date read).' }) decidedAt!: Date | null;
  @Field(() => DateScalar, { nullable: true, description: 'The day the parent returned or acknowledged it (as of the date read).' }) decidedOn!: string | null;
  @Authorized(...ROLES.internal)
  @Field(() => String, { nullable: true, description: 'The principal who submitted it (its name). Not open to PUBLIC.' })
  submittedBy!: string | null;
  @Authorized(...ROLES.internal)
  @Field(() => String, { nullable: true, description: 'The principal who returned or acknowledged it (its name; as of the date read). Not open to PUBLIC.' })
  decidedBy!: string | null;

  scopeRef(): ScopeRef {
    return contentOf(this.organizationId, this.asOf);
  }

  static from(row: ReportRow, asOf: string): ReadinessReportType {
    const status = statusOn(row, asOf);
    const decided = status === ReadinessStatus.RETURNED || status === ReadinessStatus.ACKNOWLEDGED;
    return Object.assign(new ReadinessReportType(), {
      uuid: row.id,
      organizationId: row.organizationId,
      row,
      asOf,
      version: row.version,
      status,
      checklist: row.checklist && ReadinessChecklistType.from(row.checklist, row.organizationId, asOf),
      narrative: row.narrative,
      submittedAt: row.submittedAt,
      submittedOn: row.submittedOn,
      returnReason: status === ReadinessStatus.RETURNED ? row.returnReason : null,
      decidedAt: decided ? row.decidedAt : null,
      decidedOn: decided ? row.decidedOn : null,
      submittedBy: row.submittedByName,
      decidedBy: decided ? row.decidedByName : null,
    });
  }
}

@ObjectType()
export class ReadinessReportConnection extends ConnectionType(ReadinessReportType, 'ReadinessReport') {}
