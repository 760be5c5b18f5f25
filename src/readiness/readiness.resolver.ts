import { Arg, Authorized, Ctx, Mutation, Resolver } from 'type-graphql';
import { ROLES } from '../access/access.auth-checker';
import { UserError } from '../common/errors';
import { tryGlobalIdOf } from '../common/global-id';
import { runMutation } from '../common/mutation';
import type { Context } from '../common/context';
import { CongressType } from '../congress/congress.types';
import { setComplaints } from './readiness.complaints.service';
import { ReadinessStatus } from './readiness.enums';
import {
  CongressComplaintsSetInput,
  ReadinessReportAcknowledgeInput,
  ReadinessReportDraftInput,
  ReadinessReportReturnInput,
  ReadinessReportSubmitInput,
} from './readiness.inputs';
import {
  CongressComplaintsSetPayload,
  ReadinessReportAcknowledgePayload,
  ReadinessReportDraftPayload,
  ReadinessReportReturnPayload,
  ReadinessReportSubmitPayload,
} from './readiness.payloads';
import type { ReportRow } from './readiness.repository';
import { decideReport, draftReport, submitReport } from './readiness.service';
import { ReadinessReportType } from './readiness.types';

const invalidId = (type: string, field: string) => UserError.of('INVALID_ID', `Not a valid ${type} id.`, ['input', field]);

/** The readiness mutations: thin — decode ids, run the service in one transaction, read the result back today. */
@Resolver()
export class ReadinessResolver {
  @Authorized(...ROLES.write)
  @Mutation(() => ReadinessReportDraftPayload, { description: 'Saves the organisation’s open readiness draft (not submitted, not counted upward).' })
  async readinessReportDraft(@Arg('input') input: ReadinessReportDraftInput, @Ctx() ctx: Context): Promise<ReadinessReportDraftPayload> {
    const organizationId = tryGlobalIdOf('Organization', input.organization);
    if (!organizationId) return { userErrors: [invalidId('Organization', 'organization')] };
    const { result, userErrors } = await runMutation(ctx, 'readinessReportDraft', (tx) => draftReport(tx, { organizationId, narrative: input.narrative }));
    return { report: out(result, ctx), userErrors };
  }

  @Authorized(...ROLES.write)
  @Mutation(() => ReadinessReportSubmitPayload, {
    description: 'Submits a new version of the organisation’s readiness report to its parent, today, with the checklist computed from live data now.',
  })
  async readinessReportSubmit(@Arg('input') input: ReadinessReportSubmitInput, @Ctx() ctx: Context): Promise<ReadinessReportSubmitPayload> {
    const organizationId = tryGlobalIdOf('Organization', input.organization);
    if (!organizationId) return { userErrors: [invalidId('Organization', 'organization')] };
    const { result, userErrors } = await runMutation(ctx, 'readinessReportSubmit', (tx) => submitReport(tx, { organizationId, narrative: input.narrative }));
    return { report: out(result, ctx), userErrors };
  }

  @Authorized(...ROLES.write)
  @Mutation(() => ReadinessReportReturnPayload, { description: 'The parent returns a submitted version with a reason, today.' })
  async readinessReportReturn(@Arg('input') input: ReadinessReportReturnInput, @Ctx() ctx: Context): Promise<ReadinessReportReturnPayload> {
    const reportId = tryGlobalIdOf('ReadinessReport', input.report);
    if (!reportId) return { userErrors: [invalidId('ReadinessReport', 'report')] };
    const { result, userErrors } = await runMutation(ctx, 'readinessReportReturn', (tx) =>
      decideReport(tx, ReadinessStatus.RETURNED, { reportId, reason: input.reason, version: input.version }),
    );
    return { report: out(result, ctx), userErrors };
  }

  @Authorized(...ROLES.write)
  @Mutation(() => ReadinessReportAcknowledgePayload, { description: 'The parent acknowledges a submitted version, today: final for this congress.' })
  async readinessReportAcknowledge(@Arg('input') input: ReadinessReportAcknowledgeInput, @Ctx() ctx: Context): Promise<ReadinessReportAcknowledgePayload> {
    const reportId = tryGlobalIdOf('ReadinessReport', input.report);
    if (!reportId) return { userErrors: [invalidId('ReadinessReport', 'report')] };
    const { result, userErrors } = await runMutation(ctx, 'readinessReportAcknowledge', (tx) =>
      decideReport(tx, ReadinessStatus.ACKNOWLEDGED, { reportId, version: input.version }),
    );
    return { report: out(result, ctx), userErrors };
  }

  @Authorized(...ROLES.write)
  @Mutation(() => CongressComplaintsSetPayload, {
    description: 'Records how many complaints (khiếu nại) or denunciations (tố cáo) about a congress are in one status, from a date on. Counts only, no personal data.',
  })
  async congressComplaintsSet(@Arg('input') input: CongressComplaintsSetInput, @Ctx() ctx: Context): Promise<CongressComplaintsSetPayload> {
    const congressId = tryGlobalIdOf('Congress', input.congress);
    if (!congressId) return { userErrors: [invalidId('Congress', 'congress')] };
    const { result, userErrors } = await runMutation(ctx, 'congressComplaintsSet', (tx) =>
      setComplaints(tx, { congressId, kind: input.kind, status: input.status, count: input.count, effectiveOn: input.effectiveOn }),
    );
    if (!result) return { congress: null, userErrors };
    const row = await ctx.loaders.congresses.byId.load(result.congressId);
    return { congress: row && CongressType.from(row, ctx.today), userErrors };
  }
}

const out = (row: ReportRow | null, ctx: Context) => row && ReadinessReportType.from(row, ctx.today);
