import { ROLES } from '../access/access.auth-checker';
import type { ScopeRef } from '../common/scope-ref';
import { Authorized, Field, ID, Int, ObjectType } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { ConnectionType } from '../common/connection';
import { DateScalar } from '../common/dates';
import { toGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';
import type { ParticipantRow, RestructuringRow, StatusEventRow } from './restructuring.repository';

@ObjectType('Restructuring', {
  implements: Node,
  description:
    'A restructuring decision (Resolution 18-NQ/TW) and its lifecycle. Not dated: its fields are its current state whatever date it is reached from, ' +
    'so its `id` never carries a date; the organisations it lists are read on its effective date once EFFECTIVE (sources: the day before), today before that, and their ids say so.',
})
export class RestructuringType implements Node {
  uuid!: string;
  /** The date organisations are read at: the effective date once applied, else the request's today. */
  asOf!: string;

  @Field(() => ID)
  get id(): string {
    return toGlobalId('Restructuring', this.uuid);
  }

  /** Access control: visible when any participant ever sat in the viewer's scope. */
  scopeRef(): ScopeRef {
    return { kind: 'restructuring', id: this.uuid };
  }

  @Field(() => RestructuringKind) kind!: RestructuringKind;
  @Field(() => RestructuringStatus) status!: RestructuringStatus;
  @Field() title!: string;
  @Authorized(...ROLES.internal) @Field(() => String, { nullable: true, simple: false, description: 'A note on the decision (not shown to PUBLIC).' }) note!: string | null;
  @Field(() => String, { nullable: true, description: 'Số quyết định, e.g. "244-QĐ/TW".' }) decisionNumber!: string | null;
  @Field(() => DateScalar, { nullable: true }) decisionDate!: string | null;
  @Field(() => String, { nullable: true, description: 'Who decided, e.g. "Bộ Chính trị".' }) issuer!: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'The first day of the new arrangement.' }) effectiveOn!: string | null;
  @Field(() => Int) version!: number;

  static from(row: RestructuringRow, today: string): RestructuringType {
    return Object.assign(new RestructuringType(), {
      uuid: row.id,
      asOf: row.status === RestructuringStatus.EFFECTIVE && row.effectiveOn ? row.effectiveOn : today,
      kind: row.kind,
      status: row.status,
      title: row.title,
      note: row.note,
      decisionNumber: row.decisionNumber,
      decisionDate: row.decisionDate,
      issuer: row.issuer,
      effectiveOn: row.effectiveOn,
      version: row.version,
    });
  }
}

@ObjectType('RestructuringParticipant', { description: 'An organisation’s part in a restructuring.' })
export class RestructuringParticipantType {
  row!: ParticipantRow;
  asOf!: string;
  /** The date the organisations it left are read at: the day before an applied restructuring took effect. */
  beforeAsOf!: string;
  @Field(() => ParticipantRole) role!: ParticipantRole;
  @Field(() => String, { nullable: true, description: 'RENAME: the new name.' }) newName!: string | null;
  @Field({ description: 'A target the restructuring itself creates.' }) created!: boolean;

  /** Access control: a participant outside the viewer's scope is left out (its organisation is not found). */
  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.row.organizationId, date: this.row.role === 'SOURCE' ? this.beforeAsOf : this.asOf, type: 'reference' };
  }

  static from(row: ParticipantRow, asOf: string, beforeAsOf: string = asOf): RestructuringParticipantType {
    return Object.assign(new RestructuringParticipantType(), { row, asOf, beforeAsOf, role: row.role, newName: row.newName, created: row.createdByRestructuring });
  }
}

@ObjectType({ description: 'A status change of a restructuring.', simpleResolvers: true })
export class RestructuringStatusChange {
  @Field(() => RestructuringStatus, { nullable: true }) fromStatus!: RestructuringStatus | null;
  @Field(() => RestructuringStatus) toStatus!: RestructuringStatus;
  @Authorized(...ROLES.internal) @Field(() => String, { nullable: true, simple: false, description: 'Who recorded it: the principal’s name (not shown to PUBLIC).' }) actor!: string | null;
  @Authorized(...ROLES.internal) @Field(() => String, { nullable: true, simple: false, description: 'A note on the change (not shown to PUBLIC).' }) note!: string | null;
  @Field(() => DateScalar, {
    description: 'The day the status took effect: PROPOSED the day proposed (`proposedOn`), APPROVED the decision date, CANCELLED the day withdrawn, EFFECTIVE the effective date. `pendingRestructuring(asOf:)` reads these dates.',
  })
  effectiveOn!: string;
  @Field(() => DateTimeResolver) recordedAt!: Date;

  static from(row: StatusEventRow): RestructuringStatusChange {
    return Object.assign(new RestructuringStatusChange(), row);
  }
}

@ObjectType()
export class RestructuringConnection extends ConnectionType(RestructuringType, 'Restructuring') {}
