import { Arg, Authorized, Ctx, Mutation, Query, Resolver } from 'type-graphql';
import { ROLES } from '../access/access.auth-checker';
import { DateScalar } from '../common/dates';
import { runMutation } from '../common/mutation';
import { sqlOf } from '../common/sql';
import type { Context } from '../common/context';
import { LEVELS } from '../organization/organization.levels';
import { RiskThresholdSetInput } from './risk.inputs';
import { RiskThresholdSetPayload } from './risk.payloads';
import { thresholdsOf } from './risk.repository';
import { setRiskThreshold } from './risk.threshold.service';
import { RiskThresholdType } from './risk.types';

@Resolver()
export class RiskResolver {
  @Authorized()
  @Query(() => [RiskThresholdType], {
    description:
      'The thresholds of the at-risk signals (`RiskKind`) for a term’s congresses (default: the current term), one entry per level that has one, as they stood at the end of `asOf` (default: today). Empty for an unknown term.',
  })
  async riskThresholds(
    @Arg('term', () => String, { nullable: true }) term: string | null,
    @Arg('asOf', () => DateScalar, { nullable: true }) asOf: string | null,
    @Ctx() ctx: Context,
  ): Promise<RiskThresholdType[]> {
    const code = term ?? (await ctx.loaders.congresses.currentTerm()) ?? '';
    const rows = await thresholdsOf(sqlOf(ctx.em), code, asOf ?? ctx.today);
    return rows.sort((a, b) => LEVELS.indexOf(a.level) - LEVELS.indexOf(b.level)).map(RiskThresholdType.from);
  }

  @Authorized(...ROLES.admin)
  @Mutation(() => RiskThresholdSetPayload, { description: 'Sets the thresholds of one level’s at-risk signals in a term (ADMIN).' })
  async riskThresholdSet(@Arg('input') input: RiskThresholdSetInput, @Ctx() ctx: Context): Promise<RiskThresholdSetPayload> {
    const { result, userErrors } = await runMutation(ctx, 'riskThresholdSet', (tx) => setRiskThreshold(tx, input));
    return { threshold: result && RiskThresholdType.from(result), userErrors };
  }
}
