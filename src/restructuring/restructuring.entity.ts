import { Entity, Enum, OptionalProps, PrimaryKey, Property } from '@mikro-orm/core';
import { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';

/** A restructuring decision and its lifecycle. Participants, pending locks and lineage are written by its service. */
@Entity({ tableName: 'restructuring' })
export class Restructuring {
  [OptionalProps]?: 'status' | 'version' | 'createdAt' | 'updatedAt';
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Enum({ items: () => RestructuringKind, type: 'text' }) kind!: RestructuringKind;
  @Enum({ items: () => RestructuringStatus, type: 'text' }) status: RestructuringStatus = RestructuringStatus.PROPOSED;
  @Property({ type: 'text' }) title!: string;
  @Property({ type: 'text', nullable: true }) note?: string | null;
  @Property({ type: 'text', nullable: true }) decisionNumber?: string | null;
  @Property({ type: 'date', nullable: true }) decisionDate?: string | null;
  @Property({ type: 'text', nullable: true }) issuer?: string | null;
  @Property({ type: 'date', nullable: true }) effectiveOn?: string | null;
  @Property({ type: 'integer', version: true }) version: number = 1;
  @Property({ type: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
  @Property({ type: 'timestamptz', nullable: true }) appliedAt?: Date | null;
}

@Entity({ tableName: 'restructuring_participant' })
export class RestructuringParticipant {
  [OptionalProps]?: 'createdByRestructuring';
  @PrimaryKey({ type: 'uuid' }) restructuringId!: string;
  @PrimaryKey({ type: 'uuid' }) organizationId!: string;
  @PrimaryKey({ type: 'text' }) role!: ParticipantRole;
  @Property({ type: 'integer' }) position!: number;
  @Property({ type: 'uuid', nullable: true }) newParentId?: string | null;
  /** MOVED: the parent it leaves (see restructuring.parents.ts). */
  @Property({ type: 'uuid', nullable: true }) oldParentId?: string | null;
  @Property({ type: 'text', nullable: true }) newName?: string | null;
  @Property({ type: 'text', nullable: true }) newShortName?: string | null;
  @Property({ type: 'boolean' }) createdByRestructuring: boolean = false;
}

@Entity({ tableName: 'restructuring_event' })
export class RestructuringEvent {
  [OptionalProps]?: 'recordedAt';
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'uuid' }) restructuringId!: string;
  @Enum({ items: () => RestructuringStatus, type: 'text', nullable: true }) fromStatus?: RestructuringStatus | null;
  @Enum({ items: () => RestructuringStatus, type: 'text' }) toStatus!: RestructuringStatus;
  @Property({ type: 'text', nullable: true }) actor?: string | null;
  @Property({ type: 'text', nullable: true }) note?: string | null;
  @Property({ type: 'timestamptz' }) recordedAt: Date = new Date();
}

/** predecessor → successor, recorded when a restructuring takes effect. */
@Entity({ tableName: 'organization_lineage' })
export class OrganizationLineage {
  @PrimaryKey({ type: 'uuid' }) predecessorId!: string;
  @PrimaryKey({ type: 'uuid' }) successorId!: string;
  @Property({ type: 'uuid' }) restructuringId!: string;
  @Property({ type: 'date' }) effectiveOn!: string;
}
