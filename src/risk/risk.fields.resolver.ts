import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import type { Context } from '../common/context';
import { CongressType } from '../congress/congress.types';
import { ProgressType } from '../progress/progress.types';
import { RiskKind, RISK_KINDS } from './risk.enums';
import { RiskCount } from './risk.types';

@Resolver(() => CongressType)
export class CongressRisksResolver {
  @FieldResolver(() => [RiskKind], {
    description: 'What puts it at risk of missing its deadline on the date read (`asOf`), in the enum’s order; empty when nothing does (see RiskKind).',
  })
  risks(@Root() congress: CongressType, @Ctx() ctx: Context): Promise<RiskKind[]> {
    return ctx.loaders.risks.risks.load({ congressId: congress.uuid, date: congress.asOf });
  }
}

@Resolver(() => ProgressType)
export class ProgressRiskResolver {
  @FieldResolver(() => [RiskCount], {
    description:
      'Congresses in scope at risk on the date, per kind (every kind, zeros included; one congress may count under several). ' +
      'Counts the congresses `congresses(under:, asOf:, risk:)` lists (SUBTREE scope): its `totalCount` for a kind equals the count here.',
  })
  async atRisk(@Root() p: ProgressType, @Ctx() ctx: Context): Promise<RiskCount[]> {
    const counts = await ctx.loaders.risks.counts.load({ id: p.organizationId, scope: p.scope, date: p.asOf });
    return RISK_KINDS.map((kind) => Object.assign(new RiskCount(), { kind, count: counts.get(kind) ?? 0 }));
  }
}
