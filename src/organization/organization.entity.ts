import { Entity, Enum, OptionalProps, PrimaryKey, Property, Unique } from '@mikro-orm/core';
import { OrganizationLevel } from './organization.levels';

/**
 * A party organisation, created and corrected through the unit of work (organization.service.ts). Where it sits in the
 * tree over time (organization_placement, organization.tree.ts) and its earlier names and member counts
 * (organization.members.ts) are tables written in SQL, with no entity.
 */
@Entity({ tableName: 'organization' })
export class Organization {
  [OptionalProps]?: 'aboveBasePowers' | 'memberCount' | 'version' | 'createdAt' | 'updatedAt' | 'pendingEstablishment' | 'renamed';

  @PrimaryKey({ type: 'uuid' })
  id!: string;

  @Unique()
  @Property({ type: 'text' })
  code!: string;

  @Property({ type: 'text' })
  name!: string;

  @Property({ type: 'text', nullable: true })
  shortName?: string | null;

  @Enum({ items: () => OrganizationLevel, type: 'text' })
  level!: OrganizationLevel;

  @Property({ type: 'boolean' })
  aboveBasePowers: boolean = false;

  /** Its own members from `membersSince` on; earlier counts are in organization_member_count (organization.members.ts). */
  @Property({ type: 'integer' })
  memberCount: number = 0;

  /** The day `memberCount` took effect; null: from the start. */
  @Property({ type: 'date', nullable: true })
  membersSince?: string | null;

  @Property({ type: 'date' })
  establishedOn!: string;

  @Property({ type: 'date', nullable: true })
  endedOn?: string | null;

  /** Created by a proposed restructuring: not in the tree until it is applied. */
  @Property({ type: 'boolean' })
  pendingEstablishment: boolean = false;

  /** Has earlier names in organization_name (renamed by a restructuring). */
  @Property({ type: 'boolean' })
  renamed: boolean = false;

  /** Folded name, short name and code, for diacritic-insensitive search. */
  @Property({ type: 'text' })
  searchText!: string;

  /** Folded name, for a stable order independent of the database collation. */
  @Property({ type: 'text' })
  sortKey!: string;

  @Property({ type: 'integer', version: true })
  version: number = 1;

  @Property({ type: 'timestamptz' })
  createdAt: Date = new Date();

  @Property({ type: 'timestamptz', onUpdate: () => new Date() })
  updatedAt: Date = new Date();
}
