import DataLoader from 'dataloader';
import { Arg, Args, ArgsType, Authorized, Ctx, Field, FieldResolver, Mutation, Query, Resolver, Root } from 'type-graphql';
import { PageArgs, parsePage, toConnection, toPage } from '../common/connection';
import type { Context } from '../common/context';
import { UserError } from '../common/errors';
import { tryGlobalIdOf } from '../common/global-id';
import { runMutation } from '../common/mutation';
import { sqlOf } from '../common/sql';
import { OrganizationType } from '../organization/organization.types';
import { ROLES } from './access.auth-checker';
import { PrincipalCreateInput, PrincipalCreatePayload, PrincipalRevokeInput, PrincipalRevokePayload } from './principal.inputs';
import { listPrincipals, principalsByIds, tokensOf, type PrincipalRow, type TokenRow } from './principal.repository';
import { createPrincipal, revokePrincipalById } from './principal.service';
import { AccessTokenType, PrincipalConnection, PrincipalType, RoleEnum, ViewerType } from './principal.types';

@ArgsType()
class PrincipalsArgs extends PageArgs {
  @Field({ defaultValue: false, description: 'Include revoked principals.' }) includeRevoked!: boolean;
}

/** Per request: principals and their tokens by principal id (kept beside the request, keyed by its context). */
const perRequest = new WeakMap<object, { principals: DataLoader<string, PrincipalRow | null>; tokens: DataLoader<string, TokenRow[]> }>();
export function principalLoaders(ctx: Context) {
  let l = perRequest.get(ctx);
  if (!l) {
    const sql = sqlOf(ctx.em);
    l = {
      principals: new DataLoader(async (ids) => {
        const rows = new Map((await principalsByIds(sql, ids)).map((r) => [r.id, r]));
        return ids.map((id) => rows.get(id) ?? null);
      }),
      tokens: new DataLoader(async (ids) => {
        const rows = await tokensOf(sql, ids);
        return ids.map((id) => rows.filter((r) => r.principalId === id));
      }),
    };
    perRequest.set(ctx, l);
  }
  return l;
}

@Resolver(() => PrincipalType)
export class PrincipalResolver {
  @Query(() => ViewerType, { description: 'Who is asking: the principal of the request’s token.' })
  viewer(@Ctx() ctx: Context): ViewerType {
    return Object.assign(new ViewerType(), { name: ctx.viewer.name, role: ctx.viewer.role as RoleEnum, scopeId: ctx.viewer.scopeId });
  }

  @Authorized(...ROLES.admin)
  @Query(() => PrincipalConnection, { description: 'Principals, newest first (ADMIN).' })
  async principals(@Args() args: PrincipalsArgs, @Ctx() ctx: Context): Promise<PrincipalConnection> {
    const { first, after } = parsePage(args, ['string', 'string']);
    const page = await listPrincipals(sqlOf(ctx.em), { first, after: after as [string, string] | null, includeRevoked: args.includeRevoked });
    for (const r of page.rows) principalLoaders(ctx).principals.prime(r.id, r);
    return toConnection(toPage(page.rows, first, after, page.total, (r) => [r.createdAt.toISOString(), r.id], PrincipalType.from));
  }

  @FieldResolver(() => OrganizationType, { nullable: true, description: 'Its scope organisation, as it is today; null: unscoped.' })
  async scope(@Root() p: PrincipalType, @Ctx() ctx: Context) {
    if (!p.row.scopeId) return null;
    const row = await ctx.loaders.organizations.byId.load(p.row.scopeId);
    return row && OrganizationType.from(row, ctx.today);
  }

  @FieldResolver(() => [AccessTokenType], { description: 'Its tokens, oldest first (hashes are never shown).' })
  async tokens(@Root() p: PrincipalType, @Ctx() ctx: Context) {
    return (await principalLoaders(ctx).tokens.load(p.row.id)).map(AccessTokenType.from);
  }

  @Authorized(...ROLES.admin)
  @Mutation(() => PrincipalCreatePayload, { description: 'Makes a principal and its token (ADMIN). The token is in the payload this once; only its hash is kept.' })
  async principalCreate(@Arg('input') input: PrincipalCreateInput, @Ctx() ctx: Context): Promise<PrincipalCreatePayload> {
    const scopeId = input.scope ? tryGlobalIdOf('Organization', input.scope) : null;
    if (scopeId === undefined) return { userErrors: [UserError.of('INVALID_ID', '"scope" is not a valid Organization id.', ['input', 'scope'])] };
    const { result, userErrors } = await runMutation(ctx, 'principalCreate', (tx) =>
      createPrincipal(tx, { name: input.name, role: input.role, scopeId, expiresAt: input.expiresAt ?? null }),
    );
    return { principal: result && PrincipalType.from(result.principal), token: result?.token ?? null, userErrors };
  }

  @Authorized(...ROLES.admin)
  @Mutation(() => PrincipalRevokePayload, { description: 'Revokes a principal and every token of it (ADMIN): its next request is UNAUTHENTICATED.' })
  async principalRevoke(@Arg('input') input: PrincipalRevokeInput, @Ctx() ctx: Context): Promise<PrincipalRevokePayload> {
    const id = tryGlobalIdOf('Principal', input.principal);
    if (!id) return { userErrors: [UserError.of('INVALID_ID', '"principal" is not a valid Principal id.', ['input', 'principal'])] };
    const { result, userErrors } = await runMutation(ctx, 'principalRevoke', (tx) => revokePrincipalById(tx, id));
    return { principal: result && PrincipalType.from(result), userErrors };
  }
}

@Resolver(() => ViewerType)
export class ViewerFieldsResolver {
  @FieldResolver(() => OrganizationType, { nullable: true, description: 'The scope organisation (today); null: unscoped.' })
  async scope(@Root() v: ViewerType, @Ctx() ctx: Context) {
    if (!v.scopeId) return null;
    const row = await ctx.loaders.organizations.byId.load(v.scopeId);
    return row && OrganizationType.from(row, ctx.today);
  }
}
