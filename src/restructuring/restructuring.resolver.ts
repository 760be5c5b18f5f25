import { Arg, Args, ArgsType, Ctx, Field, ID, Mutation, Query, Resolver } from 'type-graphql';
import { emptyConnection, PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import { DateScalar } from '../common/dates';
import { UserError } from '../common/errors';
import { fromGlobalIdOf, tryGlobalIdOf } from '../common/global-id';
import { actorOf, runMutation } from '../common/mutation';
import { sqlOf } from '../common/sql';
import type { Context } from '../common/context';
import { RestructuringKind, RestructuringStatus } from './restructuring.enums';
import { RestructuringApplyInput, RestructuringApproveInput, RestructuringCancelInput, RestructuringProposeInput } from './restructuring.inputs';
import { RestructuringApplyPayload, RestructuringApprovePayload, RestructuringCancelPayload, RestructuringProposePayload } from './restructuring.payloads';
import { applyRestructuring } from './restructuring.apply';
import { searchRestructurings, type RestructuringRow } from './restructuring.repository';
import { approveRestructuring, cancelRestructuring } from './restructuring.lifecycle.service';
import { proposeRestructuring, type ProposeCommand } from './restructuring.propose.service';
import { RestructuringConnection, RestructuringType } from './restructuring.types';

@ArgsType()
class RestructuringsArgs extends PageArgs {
  @Field(() => ID, { nullable: true, description: 'Touching this organisation or anything that ever sat below it.' }) under?: string | null;
  @Field(() => RestructuringStatus, { nullable: true }) status?: RestructuringStatus | null;
  @Field(() => RestructuringKind, { nullable: true }) kind?: RestructuringKind | null;
  @Field(() => DateScalar, { nullable: true, description: 'Effective on or after.' }) from?: string | null;
  @Field(() => DateScalar, { nullable: true, description: 'Effective on or before.' }) to?: string | null;
}

/** Decodes every global id of a proposal; the first malformed one becomes an INVALID_ID user error. */
function parseProposal(input: RestructuringProposeInput): ProposeCommand | UserError {
  const bad: UserError[] = [];
  const id = (value: string, field: (string | number)[]) => {
    const uuid = tryGlobalIdOf('Organization', value);
    if (!uuid) bad.push(UserError.of('INVALID_ID', 'Not a valid Organization id.', ['input', ...field.map(String)]));
    return uuid ?? '';
  };
  const cmd: ProposeCommand = {
    kind: input.kind,
    title: input.title,
    note: input.note,
    effectiveOn: input.effectiveOn,
    proposedOn: input.proposedOn,
    sources: (input.sources ?? []).map((s, i) => id(s, ['sources', i])),
    targets: (input.targets ?? []).map((s, i) => id(s, ['targets', i])),
    newTargets: (input.newTargets ?? []).map((t, i) => ({ ...t, parentId: t.parent ? id(t.parent, ['newTargets', i, 'parent']) : null })),
    moves: (input.moves ?? []).map((m, i) => ({
      organizationId: id(m.organization, ['moves', i, 'organization']),
      newParentId: m.newParent ? id(m.newParent, ['moves', i, 'newParent']) : null,
      newParentCode: m.newParentCode,
    })),
    rename: input.rename ? { organizationId: id(input.rename.organization, ['rename', 'organization']), name: input.rename.name, shortName: input.rename.shortName } : null,
    actor: input.actor,
  };
  return bad[0] ?? cmd;
}

const invalidId = () => UserError.of('INVALID_ID', 'Not a valid Restructuring id.', ['input', 'id']);

@Resolver()
export class RestructuringResolver {
  @Query(() => RestructuringConnection, { description: 'Restructurings, latest effective date first (undecided first of all).' })
  async restructurings(@Args() args: RestructuringsArgs, @Ctx() ctx: Context): Promise<RestructuringConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const scoped = await ctx.access.under(args.under ? fromGlobalIdOf('Organization', args.under, 'under') : null, ctx.today);
    if (!scoped) return emptyConnection(first, after);
    const under = scoped.id;
    const page = await searchRestructurings(sqlOf(ctx.em), { under, status: args.status ?? null, kind: args.kind ?? null, from: args.from ?? null, to: args.to ?? null, first, after });
    for (const r of page.rows) ctx.loaders.restructurings.byId.prime(r.id, r);
    return toConnection(toPage(page.rows, first, after, page.total, (r) => [r.sortValue, r.id], (r) => RestructuringType.from(r, ctx.today)));
  }

  @Mutation(() => RestructuringProposePayload, { description: 'Records a proposal (đề án): kind, participants, planned date.' })
  async restructuringPropose(@Arg('input') input: RestructuringProposeInput, @Ctx() ctx: Context): Promise<RestructuringProposePayload> {
    const cmd = parseProposal(input);
    if (cmd instanceof UserError) return { userErrors: [cmd] };
    const { result, userErrors } = await runMutation(ctx, 'restructuringPropose', (tx) => proposeRestructuring(tx, { ...cmd, actor: actorOf(ctx, cmd.actor) }, ctx.today));
    return { restructuring: this.out(result, ctx), userErrors };
  }

  @Mutation(() => RestructuringApprovePayload, { description: 'Records the decision: number, date, issuer, effective date.' })
  async restructuringApprove(@Arg('input') input: RestructuringApproveInput, @Ctx() ctx: Context): Promise<RestructuringApprovePayload> {
    const id = tryGlobalIdOf('Restructuring', input.id);
    if (!id) return { userErrors: [invalidId()] };
    const { result, userErrors } = await runMutation(ctx, 'restructuringApprove', (tx) => approveRestructuring(tx, { ...input, id, actor: actorOf(ctx, input.actor) }));
    return { restructuring: this.out(result, ctx), userErrors };
  }

  @Mutation(() => RestructuringApplyPayload, { description: 'Applies an approved restructuring to the tree from its effective date, all or nothing.' })
  async restructuringApply(@Arg('input') input: RestructuringApplyInput, @Ctx() ctx: Context): Promise<RestructuringApplyPayload> {
    const id = tryGlobalIdOf('Restructuring', input.id);
    if (!id) return { userErrors: [invalidId()] };
    const { result, userErrors } = await runMutation(ctx, 'restructuringApply', (tx) => applyRestructuring(tx, { ...input, id, actor: actorOf(ctx, input.actor) }), { treeLock: 'exclusive' });
    return { restructuring: this.out(result, ctx), userErrors };
  }

  @Mutation(() => RestructuringCancelPayload, { description: 'Withdraws a pending restructuring, with a reason.' })
  async restructuringCancel(@Arg('input') input: RestructuringCancelInput, @Ctx() ctx: Context): Promise<RestructuringCancelPayload> {
    const id = tryGlobalIdOf('Restructuring', input.id);
    if (!id) return { userErrors: [invalidId()] };
    const { result, userErrors } = await runMutation(ctx, 'restructuringCancel', (tx) => cancelRestructuring(tx, { ...input, id, actor: actorOf(ctx, input.actor) }));
    return { restructuring: this.out(result, ctx), userErrors };
  }

  private out(row: RestructuringRow | null, ctx: Context) {
    return row && RestructuringType.from(row, ctx.today);
  }
}
