import { Arg, Ctx, Field, ID, Int, ObjectType } from 'type-graphql';
import { ConnectionType } from '../common/connection';
import { DateScalar } from '../common/dates';
import { toGlobalId, viewGlobalId } from '../common/global-id';
import { Node } from '../common/node';
import type { ScopeRef } from '../common/scope-ref';
import { OrganizationLevel } from './organization.levels';
import { membersOn, type DatedMembers } from './organization.members';
import type { OrganizationRow } from './organization.repository';

/**
 * An organisation as read on a date: nested fields without their own `asOf` inherit `asOf`. It implements `Node` in the
 * schema; in TypeScript its `id` needs the request's today (see `id`), so it does not claim the `Node` class's shape.
 */
@ObjectType('Organization', {
  implements: Node,
  simpleResolvers: true,
  description:
    'A party organisation (tổ chức đảng) in the tree, as read on a date (`asOf`): its name, parent and tree fields answer as of that date. ' +
    'Read on a date other than today it is a distinct object with its own `id`, so a normalising client cache keeps each era apart.',
})
export class OrganizationType {
  /** Internal uuid; exposed only inside the global id. */
  uuid!: string;

  @Field(() => DateScalar, { description: 'The date this object was read at; nested fields without their own `asOf` answer as of it.' })
  asOf!: string;

  /** The global id of this view: plain for today's view, carrying `asOf` otherwise (`common/global-id.ts`). */
  @Field(() => ID, {
    description:
      'Opaque global id of the organisation as read on `asOf`: the same as `canonicalId` when read today, a distinct id for any other date. ' +
      '`node(id:)` returns the view it names; every argument and input taking an Organization id accepts either.',
  })
  id(@Ctx('today') today: string): string {
    return viewGlobalId('Organization', this.uuid, this.asOf, today);
  }

  @Field(() => ID, { description: 'The id of the organisation itself, the same on every date (its `id` when read today): to recognise it across dates or store a reference.' })
  get canonicalId(): string {
    return toGlobalId('Organization', this.uuid);
  }

  @Field({ description: 'Unique human-readable code, e.g. "BTC" for Đảng ủy Bộ Tài chính.' })
  code!: string;

  /** Current name; `name` answers the name in force on the date read (see the fields resolver). */
  currentName!: string;
  currentShortName!: string | null;
  /** Has earlier names. */
  renamed!: boolean;

  @Field(() => OrganizationLevel)
  level!: OrganizationLevel;

  @Field({ description: 'A base committee given the powers of an above-base committee (được giao quyền cấp trên cơ sở).' })
  aboveBasePowers!: boolean;

  /** The dated member count (current count, since when, earlier counts). */
  members!: DatedMembers;

  @Field(() => Int, {
    description:
      'Its own members (members belong to cells) as the count stood on the date (`asOf`; default: the date it was read at). A change effective on D is seen from D on; earlier dates keep the earlier count.',
  })
  memberCount(@Arg('asOf', () => DateScalar, { nullable: true, description: 'Default: the date the organisation was read at.' }) asOf?: string | null): number {
    return membersOn(this.members, asOf ?? this.asOf);
  }

  @Field(() => DateScalar, { description: 'First day in the tree.' })
  establishedOn!: string;

  @Field(() => DateScalar, { nullable: true, description: 'The day it is gone (it no longer exists on that day).' })
  endedOn!: string | null;

  @Field(() => Int, { description: 'Optimistic-locking version: send it back with updates.' })
  version!: number;

  /** Access control (src/common/scope-ref.ts): the organisation itself, on the date read. */
  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.uuid, date: this.asOf, type: 'Organization' };
  }

  static from(row: OrganizationRow, asOf: string): OrganizationType {
    const o = new OrganizationType();
    o.uuid = row.id;
    o.asOf = asOf;
    o.code = row.code;
    o.currentName = row.name;
    o.currentShortName = row.shortName;
    o.renamed = row.renamed;
    o.level = row.level;
    o.aboveBasePowers = row.aboveBasePowers;
    o.members = { memberCount: row.memberCount, membersSince: row.membersSince, memberHistory: row.memberHistory };
    o.establishedOn = row.establishedOn;
    o.endedOn = row.endedOn;
    o.version = row.version;
    return o;
  }
}

@ObjectType()
export class OrganizationConnection extends ConnectionType(OrganizationType, 'Organization') {}
