import { ROLES } from '../access/access.auth-checker';
import { Authorized, Args, Ctx, FieldResolver, Query, Resolver, Root } from 'type-graphql';
import { parsePage, toConnection, toPage } from '../common/connection';
import { fromGlobalId, fromGlobalIdOf } from '../common/global-id';
import { Node } from '../common/node';
import { sqlOf } from '../common/sql';
import { loadNode, type NodeObject } from '../node/node.resolver';
import type { Context } from '../common/context';
import { AuditEventsArgs } from './audit.inputs';
import { auditEventLoader } from './audit.loaders';
import { searchAuditEvents } from './audit.repository';
import { AuditEntityType, AuditEventConnection, AuditEventType } from './audit.types';

@Resolver()
export class AuditResolver {
  @Authorized(...ROLES.admin)
  @Query(() => AuditEventConnection, { description: 'The audit log: one event per committed write, newest first.' })
  async auditEvents(@Args() args: AuditEventsArgs, @Ctx() ctx: Context): Promise<AuditEventConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const under = args.under ? fromGlobalIdOf('Organization', args.under, 'under') : null;
    const entity = args.entity ? fromGlobalId(args.entity, 'entity') : null;
    const page = await searchAuditEvents(sqlOf(ctx.em), {
      under,
      entity: entity && { type: entity.type, id: entity.id },
      operation: args.operation ?? null,
      from: args.from ?? null,
      to: args.to ?? null,
      today: ctx.today,
      first,
      after,
    });
    const loader = auditEventLoader(ctx, () => sqlOf(ctx.em));
    for (const r of page.rows) loader.prime(r.id, r);
    return toConnection(toPage(page.rows, first, after, page.total, (r) => [r.sortValue, r.id], AuditEventType.from));
  }
}

@Resolver(() => AuditEntityType)
export class AuditEntityResolver {
  @FieldResolver(() => Node, { nullable: true, description: 'The object as it is today; null when it no longer exists or is not a Node.' })
  node(@Root() entity: AuditEntityType, @Ctx() ctx: Context): Promise<NodeObject | null> | null {
    return entity.isNode ? loadNode(ctx, { type: entity.ref.type, id: entity.ref.id, asOf: null }) : null;
  }
}
