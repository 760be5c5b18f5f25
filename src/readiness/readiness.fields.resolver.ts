import { Arg, Args, Authorized, Ctx, FieldResolver, Int, Resolver, Root } from 'type-graphql';
import { ROLES } from '../access/access.auth-checker';
import { PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import { DateScalar } from '../common/dates';
import type { Context } from '../common/context';
import { CongressType } from '../congress/congress.types';
import { OrganizationType } from '../organization/organization.types';
import { ProgressType } from '../progress/progress.types';
import { ComplaintCountType } from './readiness.complaints.types';
import { ReadinessStatus } from './readiness.enums';
import { ReadinessChecklistType, ReadinessReportConnection, ReadinessReportType, existedOn } from './readiness.types';

const asOfArg = { nullable: true, description: 'Default: the date the organisation was read at.' } as const;

/** The versions an organisation had submitted by `date`, newest first (the draft left out). */
async function versionsOn(ctx: Context, orgId: string, date: string) {
  const rows = await ctx.loaders.readiness.ofOrganization.load(orgId);
  return rows.filter((r) => r.status !== ReadinessStatus.DRAFT && existedOn(r, date));
}

@Resolver(() => ReadinessReportType)
export class ReadinessReportFieldsResolver {
  @FieldResolver(() => OrganizationType, { description: 'The reporting organisation, read on the same date.' })
  async organization(@Root() report: ReadinessReportType, @Ctx() ctx: Context) {
    const row = await ctx.loaders.organizations.byId.load(report.organizationId);
    return OrganizationType.from(row!, report.asOf);
  }
}

/** Organization's readiness fields, read at the organisation's date. */
@Resolver(() => OrganizationType)
export class OrganizationReadinessResolver {
  @FieldResolver(() => ReadinessReportType, {
    nullable: true,
    description: 'Its latest readiness report submitted by the date (status as of then); null when none. A draft is never its readiness.',
  })
  async readiness(@Root() org: OrganizationType, @Arg('asOf', () => DateScalar, asOfArg) asOf: string | null, @Ctx() ctx: Context) {
    const date = asOf ?? org.asOf;
    const [latest] = await versionsOn(ctx, org.uuid, date);
    return latest ? ReadinessReportType.from(latest, date) : null;
  }

  @FieldResolver(() => ReadinessReportConnection, { description: 'Every version it had submitted by the date read, newest version first, each with its status as of that date.' })
  async readinessReports(@Root() org: OrganizationType, @Args() args: PageArgs, @Ctx() ctx: Context) {
    const { first, after } = parsePage(args, ['number']);
    const all = await versionsOn(ctx, org.uuid, org.asOf);
    const rows = after ? all.filter((r) => r.version < (after[0] as number)) : all;
    return toConnection(toPage(rows.slice(0, first + 1), first, after, all.length, (r) => [r.version], (r) => ReadinessReportType.from(r, org.asOf)));
  }

  @Authorized(...ROLES.internal)
  @FieldResolver(() => ReadinessReportType, { nullable: true, description: 'Its open draft (status DRAFT; null: none), being prepared for the next version. Not shown to PUBLIC.' })
  async readinessDraft(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    const rows = await ctx.loaders.readiness.ofOrganization.load(org.uuid);
    const draft = rows.find((r) => r.status === ReadinessStatus.DRAFT);
    return draft ? ReadinessReportType.from(draft, org.asOf) : null;
  }

  @FieldResolver(() => ReadinessChecklistType, {
    description: 'Its readiness checklist computed from live data as of the date read (today: now), to prepare a draft; a submission keeps the one computed on its day.',
  })
  async readinessChecklist(@Root() org: OrganizationType, @Ctx() ctx: Context) {
    const data = await ctx.loaders.readiness.checklist.load({ id: org.uuid, date: org.asOf });
    return ReadinessChecklistType.from(data, org.uuid, org.asOf);
  }
}

@Resolver(() => CongressType)
export class CongressComplaintsResolver {
  @Authorized(...ROLES.internal)
  @FieldResolver(() => [ComplaintCountType], {
    description: 'Complaints and denunciations about it by status on the date read, every kind and status listed (zeros included). Counts only; not open to PUBLIC.',
  })
  async complaints(@Root() congress: CongressType, @Ctx() ctx: Context) {
    const rows = await ctx.loaders.readiness.complaints.load({ congressId: congress.uuid, date: congress.asOf });
    return ComplaintCountType.all(rows, congress.row.organizationId, congress.asOf);
  }
}

const COUNT = (status: string) =>
  `Organisations in scope whose latest readiness report submitted by the date was ${status} on the date (drafts do not count).`;

@Resolver(() => ProgressType)
export class ProgressReadinessResolver {
  @FieldResolver(() => Int, { description: COUNT('SUBMITTED (awaiting their parent)') })
  async readinessSubmitted(@Root() p: ProgressType, @Ctx() ctx: Context) {
    return (await ctx.loaders.readiness.counts.load({ id: p.organizationId, scope: p.scope, date: p.asOf })).SUBMITTED;
  }

  @FieldResolver(() => Int, { description: COUNT('RETURNED') })
  async readinessReturned(@Root() p: ProgressType, @Ctx() ctx: Context) {
    return (await ctx.loaders.readiness.counts.load({ id: p.organizationId, scope: p.scope, date: p.asOf })).RETURNED;
  }

  @FieldResolver(() => Int, { description: COUNT('ACKNOWLEDGED') })
  async readinessAcknowledged(@Root() p: ProgressType, @Ctx() ctx: Context) {
    return (await ctx.loaders.readiness.counts.load({ id: p.organizationId, scope: p.scope, date: p.asOf })).ACKNOWLEDGED;
  }
}
