import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { CommitteeFormation, CongressMode, CongressStage } from './congress.enums';

/**
 * One organisation's congress for one term and round (1: the term-opening congress; 2: a cell's mid-term one).
 * `stage` is the latest stage; its history is in CongressEvent.
 */
@Entity({ tableName: 'congress' })
@Unique({ properties: ['organizationId', 'term', 'round'] })
export class Congress {
  [OptionalProps]?: 'version' | 'createdAt' | 'updatedAt' | 'stage' | 'pilot' | 'round';
  @PrimaryKey({ type: 'uuid' }) id!: string;
  @Property({ type: 'uuid' }) organizationId!: string;
  @Property({ type: 'text' }) term!: string;
  @Property({ type: 'integer' }) round: number = 1;
  @Property({ type: 'integer' }) ordinal!: number;
  @Enum({ items: () => CongressMode, type: 'text' }) mode!: CongressMode;
  @Property({ type: 'boolean' }) pilot: boolean = false;
  @Property({ type: 'date', nullable: true }) plannedStart?: string | null;
  @Property({ type: 'date', nullable: true }) plannedEnd?: string | null;
  @Property({ type: 'date', nullable: true }) deadlineOverride?: string | null;
  /** The day it was scheduled (migration 10): before it, the congress does not exist yet; null: from the start (scheduled before scheduling was dated). */
  @Property({ type: 'date', nullable: true }) scheduledOn?: string | null;
  /** The day the plan (planned dates, deadline override) took effect; null: from the start. Earlier plans: congress_plan_history. */
  @Property({ type: 'date', nullable: true }) plannedSince?: string | null;
  @Property({ type: 'date', nullable: true }) heldStart?: string | null;
  @Property({ type: 'date', nullable: true }) heldEnd?: string | null;
  @Enum({ items: () => CongressStage, type: 'text' }) stage: CongressStage = CongressStage.NOT_STARTED;
  @Property({ type: 'integer', nullable: true }) delegatesConvened?: number | null;
  @Property({ type: 'integer', nullable: true }) delegatesAttending?: number | null;
  @Property({ type: 'integer', nullable: true }) committeeSize?: number | null;
  @Enum({ items: () => CommitteeFormation, type: 'text', nullable: true }) committeeFormation?: CommitteeFormation | null;
  @Property({ type: 'integer', nullable: true }) delegatesExOfficio?: number | null;
  @Property({ type: 'integer', nullable: true }) delegatesElected?: number | null;
  @Property({ type: 'integer', nullable: true }) delegatesAppointed?: number | null;
  @Property({ type: 'integer', nullable: true }) delegatesAlternate?: number | null;
  @Property({ type: 'integer', version: true }) version: number = 1;
  @Property({ type: 'timestamptz' }) createdAt: Date = new Date();
  @Property({ type: 'timestamptz', onUpdate: () => new Date() }) updatedAt: Date = new Date();
}

/** A stage change: kept forever; the stage on any date is the last event effective on or before it. */
@Entity({ tableName: 'congress_event' })
export class CongressEvent {
  [OptionalProps]?: 'recordedAt';
  @PrimaryKey({ type: 'bigint', autoincrement: true }) id!: string;
  @Property({ type: 'uuid' }) congressId!: string;
  @Enum({ items: () => CongressStage, type: 'text', nullable: true }) fromStage?: CongressStage | null;
  @Enum({ items: () => CongressStage, type: 'text' }) toStage!: CongressStage;
  @Property({ type: 'date' }) effectiveOn!: string;
  @Property({ type: 'text', nullable: true }) actor?: string | null;
  @Property({ type: 'text', nullable: true }) note?: string | null;
  @Property({ type: 'timestamptz' }) recordedAt: Date = new Date();
}
