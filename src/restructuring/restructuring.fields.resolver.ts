import { Ctx, FieldResolver, Resolver, Root } from 'type-graphql';
import { addDays } from '../common/dates';
import { OrganizationType } from '../organization/organization.types';
import type { Context } from '../common/context';
import { ParticipantRole, RestructuringKind, RestructuringStatus } from './restructuring.enums';
import { RestructuringParticipantType, RestructuringStatusChange, RestructuringType } from './restructuring.types';

async function participantsOf(ctx: Context, r: RestructuringType) {
  const rows = await ctx.loaders.restructurings.participants.load(r.uuid);
  // Sources and the parents moved organisations leave are shown as they stood the day before it took effect.
  const row = await ctx.loaders.restructurings.byId.load(r.uuid);
  const dayBefore = row?.status === RestructuringStatus.EFFECTIVE && row.effectiveOn ? addDays(row.effectiveOn, -1) : r.asOf;
  return rows.map((p) => RestructuringParticipantType.from(p, BEFORE_ROLES.includes(p.role) ? dayBefore : r.asOf, dayBefore));
}

const BEFORE_ROLES = [ParticipantRole.SOURCE, ParticipantRole.OLD_PARENT];

/** `sources` and `targets`: the organisations that end and continue; in a TRANSFER, where nothing ends, the parents. */
function conveniences(kind: RestructuringKind): [ParticipantRole, ParticipantRole] {
  return kind === RestructuringKind.TRANSFER ? [ParticipantRole.OLD_PARENT, ParticipantRole.NEW_PARENT] : [ParticipantRole.SOURCE, ParticipantRole.TARGET];
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
  @FieldResolver(() => [RestructuringParticipantType], {
    description:
      'Every organisation it touches, with its role; one organisation may appear once per role it holds. The parents ' +
      '(OLD_PARENT, NEW_PARENT) come after the others. Sources and OLD_PARENTs are read as they stood the day before an ' +
      'applied restructuring took effect.',
  })
  participants(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    return participantsOf(ctx, r);
  }

  @FieldResolver(() => [OrganizationType], {
    description:
      'The organisations it takes from: those that end (SOURCE participants). In a TRANSFER, where nothing ends, the ' +
      'parents its subtrees leave (OLD_PARENT participants, "the giving parents").',
  })
  async sources(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    const [role] = conveniences(r.kind);
    return organizationsOf(ctx, (await participantsOf(ctx, r)).filter((p) => p.role === role));
  }

  @FieldResolver(() => [OrganizationType], {
    description:
      'The organisations it gives to: those created, kept or renamed (TARGET participants). In a TRANSFER, the parents ' +
      'that receive its subtrees (NEW_PARENT participants, "the receiving parents").',
  })
  async targets(@Root() r: RestructuringType, @Ctx() ctx: Context) {
    const [, role] = conveniences(r.kind);
    return organizationsOf(ctx, (await participantsOf(ctx, r)).filter((p) => p.role === role));
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

  @FieldResolver(() => OrganizationType, {
    nullable: true,
    description:
      'MOVED: the parent it leaves (also listed as an OLD_PARENT participant), read the day before an applied ' +
      'restructuring took effect. Recorded at proposal (its parent on the planned effective date, else that day), ' +
      'again at the decision and when applied. Null for other roles, or when it had no parent on that date.',
  })
  async oldParent(@Root() p: RestructuringParticipantType, @Ctx() ctx: Context) {
    if (!p.row.oldParentId) return null;
    const row = await ctx.loaders.organizations.byId.load(p.row.oldParentId);
    return row && OrganizationType.from(row, p.beforeAsOf);
  }
}
