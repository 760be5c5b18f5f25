import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { addDays } from '../common/dates';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../server/context';
import { ParticipantRole, RestructuringStatus } from './restructuring.enums';
import { RestructuringParticipantType, RestructuringStatusChange, RestructuringType } from './restructuring.types';

async function participantsOf(ctx: Context, r: RestructuringType) {
  const rows = await ctx.loaders.restructurings.participants.load(r.uuid);
  // Sources of an applied restructuring are shown as they stood the day before it took effect.
  const row = await ctx.loaders.restructurings.byId.load(r.uuid);
  const dayBefore = row?.status === RestructuringStatus.EFFECTIVE && row.effectiveOn ? addDays(row.effectiveOn, -1) : r.asOf;
  return rows.map((p) => RestructuringParticipantType.from(p, p.role === ParticipantRole.SOURCE ? dayBefore : r.asOf));
}

async function organizationsOf(ctx: Context, participants: RestructuringParticipantType[]) {
  const rows = await ctx.loaders.organizations.byId.loadMany(participants.map((p) => p.row.organizationId));
  return rows.map((row, i) => {
    if (!row || row instanceof Error) throw row ?? new Error('participant missing');
    return OrganizationType.from(row, participants[i].asOf);
  });
}

@Resolver(() => RestructuringType)
export class RestructuringFieldsResolver {
  @FieldResolver(() => [RestructuringParticipantType])
  participants(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    return participantsOf(ctx, r);
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations that end.' })
  async sources(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    return organizationsOf(ctx, (await participantsOf(ctx, r)).filter((p) => p.role === ParticipantRole.SOURCE));
  }

  @FieldResolver(() => [OrganizationType], { description: 'Organisations created, kept or renamed.' })
  async targets(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    return organizationsOf(ctx, (await participantsOf(ctx, r)).filter((p) => p.role === ParticipantRole.TARGET));
  }

  @FieldResolver(() => [RestructuringStatusChange], { description: 'Status changes, oldest first.' })
  async history(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    return (await ctx.loaders.restructurings.history.load(r.uuid)).map(RestructuringStatusChange.from);
  }
}

@Resolver(() => RestructuringParticipantType)
export class RestructuringParticipantResolver {
  @FieldResolver(() => OrganizationType)
  async organization(@Root() p: RestructuringParticipantType, @Ctx() ctx: Context) {
    const row = await ctx.loaders.organizations.byId.load(p.row.organizationId);
    return OrganizationType.from(row!, p.asOf);
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'MOVED: where it goes. A created target: its parent.' })
  async newParent(@Root() p: RestructuringParticipantType, @Ctx() ctx: Context) {
    if (!p.row.newParentId) return null;
    const row = await ctx.loaders.organizations.byId.load(p.row.newParentId);
    return row && OrganizationType.from(row, p.asOf);
  }
}
