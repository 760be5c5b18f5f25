import 'reflect-metadata';
import { lexicographicSortSchema, printSchema, type GraphQLSchema } from 'graphql';
import { buildSchema } from 'type-graphql';
import { DateTimeResolver } from 'graphql-scalars';
import { authChecker } from './access/access.auth-checker';
import { accessMiddleware } from './access/access.middleware';
import { CongressAccessResolver, OrganizationAccessResolver } from './access/access.fields.resolver';
import { PrincipalResolver, ViewerFieldsResolver } from './access/principal.resolver';
import { AuditEntityResolver, AuditResolver } from './audit/audit.resolver';
import { DateScalar } from './common/dates';
import { CongressFieldsResolver, ScheduleConflictResolver } from './congress/congress.fields.resolver';
import { CongressResolver } from './congress/congress.resolver';
import { OrganizationCongressResolver } from './congress/organization-congress.resolver';
import { NodeResolver } from './node/node.resolver';
import { OrganizationFieldsResolver } from './organization/organization.fields.resolver';
import { OrganizationResolver } from './organization/organization.resolver';
import { OrganizationOverdueResolver } from './progress/organization-overdue.resolver';
import { OrganizationProgressResolver, ProgressResolver } from './progress/progress.resolver';
import { OrganizationRestructuringResolver } from './restructuring/organization-restructuring.resolver';
import { RestructuringFieldsResolver, RestructuringParticipantResolver } from './restructuring/restructuring.fields.resolver';
import { RestructuringResolver } from './restructuring/restructuring.resolver';
import { CongressComplaintsResolver, OrganizationReadinessResolver, ProgressReadinessResolver, ReadinessReportFieldsResolver } from './readiness/readiness.fields.resolver';
import { ReadinessResolver } from './readiness/readiness.resolver';
import { CongressRisksResolver, ProgressRiskResolver } from './risk/risk.fields.resolver';
import { RiskResolver } from './risk/risk.resolver';
import { LiveResolver } from './live/live.resolver';
import { unusedPubSub } from './live/live.types';

export const resolvers = [
  NodeResolver,
  OrganizationResolver,
  OrganizationFieldsResolver,
  OrganizationCongressResolver,
  CongressResolver,
  CongressFieldsResolver,
  ScheduleConflictResolver,
  OrganizationRestructuringResolver,
  RestructuringResolver,
  RestructuringFieldsResolver,
  RestructuringParticipantResolver,
  OrganizationProgressResolver,
  ProgressResolver,
  OrganizationOverdueResolver,
  RiskResolver,
  CongressRisksResolver,
  ProgressRiskResolver,
  ReadinessResolver, ReadinessReportFieldsResolver, OrganizationReadinessResolver, CongressComplaintsResolver, ProgressReadinessResolver,
  AuditResolver, AuditEntityResolver,
  PrincipalResolver, ViewerFieldsResolver, OrganizationAccessResolver, CongressAccessResolver,
  LiveResolver,
] as const;

let built: Promise<GraphQLSchema> | undefined;

/** The executable schema from every feature's resolvers (built once per process). */
export function buildAppSchema(): Promise<GraphQLSchema> {
  built ??= buildSchema({
    resolvers,
    validate: false,
    authChecker,
    // Access control on every field: scoped objects not found outside the scope, mutations for writers only.
    globalMiddlewares: [accessMiddleware],
    scalarsMap: [{ type: Date, scalar: DateTimeResolver }],
    orphanedTypes: [],
    // Subscriptions bring their own `subscribe` (src/live/live.resolver.ts); type-graphql still requires a PubSub.
    pubSub: unusedPubSub,
  }).then((schema) => {
    void DateScalar;
    return schema;
  });
  return built;
}

/** The SDL committed as schema/schema.graphql. */
export async function printAppSchema(): Promise<string> {
  return printSchema(lexicographicSortSchema(await buildAppSchema())) + '\n';
}
