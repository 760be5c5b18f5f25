import {
  getNamedType,
  getNullableType,
  isInputObjectType,
  isListType,
  isNonNullType,
  type GraphQLInputType,
  type GraphQLResolveInfo,
} from 'graphql';
import type { MiddlewareFn } from 'type-graphql';
import type { Context } from '../common/context';
import { clientError } from '../common/errors';
import { fromGlobalId, toGlobalId } from '../common/global-id';
import { isScoped } from '../common/scope-ref';
import { loadNode } from '../node/node.resolver';

/**
 * Access control on every field (a type-graphql global middleware), so no path can forget it:
 * - a mutation is open to ADMIN and EDITOR only (ADMIN-only ones say so with `@Authorized`); an EDITOR's input ids
 *   naming objects outside its scope (ancestors included) are replaced by ids that name nothing, so the mutation
 *   answers as for an id that does not exist. What it may change is then checked from the journal before COMMIT
 *   (access.consumer.ts);
 * - every value a field returns that belongs to an organisation (`scopeRef()`, src/common/scope-ref.ts) is checked:
 *   outside the viewer's scope it is not found — null where the field is nullable, a NOT_FOUND error where it is not,
 *   left out of lists and connections (a nullable item, as in `nodes(ids:)`, becomes null in place);
 * - an organisation the viewer sees by name only (an ancestor of its scope) answers its name fields; any other
 *   field is FORBIDDEN (its existence is no secret, its content is).
 * ADMIN (and system) viewers pass straight through.
 */

/** What an ancestor of the scope shows to a scoped viewer. */
const NAME_FIELDS = new Set(['id', 'canonicalId', 'asOf', 'code', 'name', 'shortName', 'level', 'parent', 'ancestors', 'depth', 'viewerCanUpdate', '__typename']);

const nameOnly = new WeakMap<object, WeakSet<object>>();
const markedOf = (ctx: Context) => {
  let set = nameOnly.get(ctx);
  if (!set) nameOnly.set(ctx, (set = new WeakSet()));
  return set;
};

const notFound = (info: GraphQLResolveInfo) => clientError('NOT_FOUND', `Not found: ${info.parentType.name}.${info.fieldName}`);

/** Checks one value; returns it, or null when the viewer may not see it. */
async function visible(value: unknown, ctx: Context): Promise<boolean> {
  if (!isScoped(value)) return true;
  const ref = value.scopeRef();
  const seen = await ctx.access.check(ref);
  if (seen === 'name' && ref.kind === 'organization' && ref.type === 'Organization') markedOf(ctx).add(value);
  return seen !== null;
}

async function filterList(items: unknown[], ctx: Context, keepPlaces: boolean): Promise<unknown[]> {
  const seen = await Promise.all(items.map((v) => visible(v, ctx)));
  return keepPlaces ? items.map((v, i) => (seen[i] ? v : null)) : items.filter((_, i) => seen[i]);
}

const isConnection = (v: unknown): v is { edges: { node: unknown }[]; nodes: unknown[] } =>
  typeof v === 'object' && v !== null && Array.isArray((v as { edges?: unknown }).edges) && Array.isArray((v as { nodes?: unknown }).nodes);

async function filterResult(value: unknown, ctx: Context, info: GraphQLResolveInfo): Promise<unknown> {
  if (value === null || value === undefined) return value;
  if (Array.isArray(value)) {
    const listType = getNullableType(info.returnType);
    const itemNullable = isListType(listType) && !isNonNullType(listType.ofType);
    return filterList(value, ctx, itemNullable);
  }
  if (isConnection(value)) {
    const seen = await Promise.all(value.edges.map((e) => visible(e.node, ctx)));
    if (seen.every(Boolean)) return value;
    const edges = value.edges.filter((_, i) => seen[i]);
    return { ...value, edges, nodes: edges.map((e) => e.node) };
  }
  if (await visible(value, ctx)) return value;
  if (isNonNullType(info.returnType)) throw notFound(info);
  return null;
}

interface IdFound {
  path: string[];
  id: string;
}

/** Every ID-typed value in a field's arguments, with its input path (['input', 'organization'], ['input', 'moves', '0', 'id']). */
function idsIn(value: unknown, type: GraphQLInputType, path: string[], out: IdFound[]): void {
  if (value === null || value === undefined) return;
  const t = getNullableType(type);
  if (isListType(t)) {
    if (Array.isArray(value)) value.forEach((v, i) => idsIn(v, t.ofType, [...path, String(i)], out));
    return;
  }
  if (isInputObjectType(t)) {
    const fields = t.getFields();
    for (const [k, v] of Object.entries(value as Record<string, unknown>)) if (fields[k]) idsIn(v, fields[k].type, [...path, k], out);
    return;
  }
  if (getNamedType(t).name === 'ID' && typeof value === 'string') out.push({ path, id: value });
}

/** A well-formed id of `type` that names nothing (one per position, so two of them are still distinct). */
const ghostId = (type: string, n: number) => toGlobalId(type, `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`);

function setAt(args: Record<string, unknown>, path: string[], value: unknown): void {
  let at: Record<string, unknown> = args;
  for (const key of path.slice(0, -1)) at = at[key] as Record<string, unknown>;
  at[path[path.length - 1]] = value;
}

/**
 * A scoped writer's mutation input: an id naming something it cannot see — or an ancestor of its scope, which it sees
 * by name only and may not change — is replaced by an id that names nothing, before the mutation runs. The mutation then
 * answers exactly as for an id that does not exist (same code, same message, same order of checks): whether the object
 * exists outside the scope cannot be told from the answer.
 */
async function hideUnseenInputs(ctx: Context, args: Record<string, unknown>, info: GraphQLResolveInfo): Promise<void> {
  const field = info.parentType.getFields()[info.fieldName];
  const found: IdFound[] = [];
  for (const arg of field.args) idsIn(args[arg.name], arg.type, [arg.name], found);
  const hidden = await Promise.all(
    found.map(async ({ id }) => {
      let decoded;
      try {
        decoded = fromGlobalId(id);
      } catch {
        return null; // malformed: the mutation reports it with its own code
      }
      const object = await loadNode(ctx, decoded);
      if (!object || !isScoped(object)) return null;
      return (await ctx.access.check(object.scopeRef())) === 'full' ? null : decoded.type;
    }),
  );
  hidden.forEach((type, i) => {
    if (type) setAt(args, found[i].path, ghostId(type, i + 1));
  });
}

export const accessMiddleware: MiddlewareFn<Context> = async ({ root, args, context: ctx, info }, next) => {
  const viewer = ctx.viewer;
  if (info.parentType.name === 'Mutation') {
    if (viewer.role === null) throw clientError('UNAUTHENTICATED', 'A token is required: send "Authorization: Bearer dh_…".');
    if (viewer.role !== 'ADMIN' && viewer.role !== 'EDITOR' && viewer.kind !== 'system') {
      throw clientError('FORBIDDEN', `Mutations are not open to the ${viewer.role} role.`, { role: viewer.role });
    }
    if (!ctx.access.unscoped) await hideUnseenInputs(ctx, args, info);
    return next();
  }
  if (viewer.role === 'ADMIN' || viewer.kind === 'system') return next();
  if (root && typeof root === 'object' && nameOnly.get(ctx)?.has(root) && !NAME_FIELDS.has(info.fieldName)) {
    throw clientError('FORBIDDEN', `${info.parentType.name}.${info.fieldName} is outside your scope: only the names of your scope's ancestors are shown.`);
  }
  return filterResult(await next(), ctx, info);
};
