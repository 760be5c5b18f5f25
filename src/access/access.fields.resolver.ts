import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../common/context';
import { CongressType } from '../congress/congress.types';
import { OrganizationType } from '../organization/organization.types';

@Resolver(() => OrganizationType)
export class OrganizationAccessResolver {
  @FieldResolver(() => Boolean, { description: 'May the viewer change this organisation (and its congresses) today: ADMIN, or an EDITOR whose scope holds it.' })
  viewerCanUpdate(@Root() org: OrganizationType, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.access.canUpdate(org.uuid);
  }
}

@Resolver(() => CongressType)
export class CongressAccessResolver {
  @FieldResolver(() => Boolean, { description: 'May the viewer change this congress today: ADMIN, or an EDITOR whose scope holds its organisation.' })
  viewerCanUpdate(@Root() congress: CongressType, @Ctx() ctx: Context): Promise<boolean> {
    return ctx.access.canUpdate(congress.row.organizationId);
  }
}
