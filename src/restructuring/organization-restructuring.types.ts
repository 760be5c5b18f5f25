import { Field, Int, ObjectType } from 'type-graphql';
import { PageInfo } from '../common/connection';
import { ParticipantRole } from './restructuring.enums';
import { RestructuringType } from './restructuring.types';

/**
 * A restructuring seen from one organisation that it touches. The roles live on the edge, not on `Restructuring`:
 * the same restructuring plays different roles for different organisations, and a normalising client cache keys
 * `Restructuring` by id, so a role stored on it would leak from one organisation's view into another's.
 */
@ObjectType('OrganizationRestructuringEdge', {
  simpleResolvers: true,
  description: 'A restructuring that touches the organisation, with the organisation’s roles in it (GitHub-style: the relationship on the edge).',
})
export class OrganizationRestructuringEdge {
  @Field() cursor!: string;
  @Field(() => RestructuringType) node!: RestructuringType;
  @Field(() => [ParticipantRole], {
    description:
      'Its roles in this restructuring, in the order of the enum: e.g. [MOVED] for the organisation transferred, ' +
      '[OLD_PARENT] for the parent it leaves, [NEW_PARENT] for the one that receives it, [SOURCE, OLD_PARENT] for a ' +
      'Bloc that ends while its committees move away. Never empty.',
  })
  roles!: ParticipantRole[];
}

@ObjectType('OrganizationRestructuringConnection', {
  simpleResolvers: true,
  description: 'The restructurings that touch an organisation, oldest first, each with the organisation’s roles on its edge.',
})
export class OrganizationRestructuringConnection {
  @Field(() => [OrganizationRestructuringEdge]) edges!: OrganizationRestructuringEdge[];
  @Field(() => [RestructuringType]) nodes!: RestructuringType[];
  @Field(() => PageInfo) pageInfo!: PageInfo;
  @Field(() => Int, { description: 'All of them, across pages.' }) totalCount!: number;
}
