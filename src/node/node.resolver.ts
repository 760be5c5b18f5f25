import { Arg, Ctx, ID, Query, Resolver } from 'type-graphql';
import { principalLoaders } from '../access/principal.resolver';
import { PrincipalType } from '../access/principal.types';
import { auditEventLoader } from '../audit/audit.loaders';
import { AuditEventType } from '../audit/audit.types';
import { badInput } from '../common/errors';
import { fromGlobalId, type DecodedId } from '../common/global-id';
import { Node } from '../common/node';
import { sqlOf } from '../common/sql';
import { CongressType } from '../congress/congress.types';
import { OrganizationType } from '../organization/organization.types';
import { existedOn, ReadinessReportType } from '../readiness/readiness.types';
import { RestructuringType } from '../restructuring/restructuring.types';
import type { Context } from '../common/context';

export type NodeObject = OrganizationType | CongressType | RestructuringType | AuditEventType | PrincipalType | ReadinessReportType;

/** The object a global id names; a dated id (Organization, Congress) names the view read on its date, nested fields included. */
export async function loadNode(ctx: Context, { type, id, asOf }: DecodedId): Promise<NodeObject | null> {
  switch (type) {
    case 'Organization': {
      const row = await ctx.loaders.organizations.byId.load(id);
      return row && OrganizationType.from(row, asOf ?? ctx.today);
    }
    case 'Congress': {
      const row = await ctx.loaders.congresses.byId.load(id);
      return row && CongressType.from(row, asOf ?? ctx.today);
    }
    case 'Restructuring': {
      const row = await ctx.loaders.restructurings.byId.load(id);
      return row && RestructuringType.from(row, ctx.today);
    }
    case 'ReadinessReport': {
      // A dated id names the report as it stood on its date: null before it was submitted.
      const row = await ctx.loaders.readiness.byId.load(id);
      const date = asOf ?? ctx.today;
      return row && existedOn(row, date) ? ReadinessReportType.from(row, date) : null;
    }
    case 'AuditEvent': {
      const row = await auditEventLoader(ctx, () => sqlOf(ctx.em)).load(id);
      return row && AuditEventType.from(row);
    }
    case 'Principal': {
      const row = await principalLoaders(ctx).principals.load(id);
      return row && PrincipalType.from(row);
    }
    default:
      return null;
  }
}

@Resolver()
export class NodeResolver {
  @Query(() => Node, {
    nullable: true,
    description: 'Any object by its global id; null when it does not exist. A dated id (an Organization or Congress read on a day other than today) returns that dated view.',
  })
  node(@Arg('id', () => ID) id: string, @Ctx() ctx: Context): Promise<NodeObject | null> {
    return loadNode(ctx, fromGlobalId(id));
  }

  @Query(() => [Node], { nullable: 'items', description: 'Objects by global ids, in the same order; null for each that does not exist.' })
  nodes(@Arg('ids', () => [ID]) ids: string[], @Ctx() ctx: Context): Promise<(NodeObject | null)[]> {
    if (ids.length > 100) throw badInput('"ids" may hold at most 100 ids', { argument: 'ids' });
    const decoded = ids.map((id, i) => fromGlobalId(id, `ids[${i}]`));
    return Promise.all(decoded.map((d) => loadNode(ctx, d)));
  }
}
