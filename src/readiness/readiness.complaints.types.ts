import { Field, Int, ObjectType } from 'type-graphql';
import { DateScalar } from '../common/dates';
import type { ScopeRef, Scoped } from '../common/scope-ref';
import { COMPLAINT_KINDS, COMPLAINT_STATUSES, ComplaintKind, ComplaintStatus } from './readiness.enums';
import type { ComplaintRow } from './readiness.complaints.repository';

@ObjectType('ComplaintCount', {
  simpleResolvers: true,
  description: 'How many complaints (khiếu nại) or denunciations (tố cáo) about a congress were in one status on the date read. Counts only: no personal data.',
})
export class ComplaintCountType implements Scoped {
  organizationId!: string;
  readOn!: string;

  @Field(() => ComplaintKind) kind!: ComplaintKind;
  @Field(() => ComplaintStatus) status!: ComplaintStatus;
  @Field(() => Int) count!: number;
  @Field(() => DateScalar, { nullable: true, description: 'The day this count took effect (null: never counted; the count is 0).' }) effectiveOn!: string | null;

  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.organizationId, date: this.readOn, type: 'content' };
  }

  /** Every kind and status, zeros included, from the rows in force on `readOn`. */
  static all(rows: readonly ComplaintRow[], organizationId: string, readOn: string): ComplaintCountType[] {
    const out: ComplaintCountType[] = [];
    for (const kind of COMPLAINT_KINDS) {
      for (const status of COMPLAINT_STATUSES) {
        const row = rows.find((r) => r.kind === kind && r.status === status);
        out.push(Object.assign(new ComplaintCountType(), { organizationId, readOn, kind, status, count: row?.count ?? 0, effectiveOn: row?.effectiveOn ?? null }));
      }
    }
    return out;
  }
}
