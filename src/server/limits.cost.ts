import {
  getArgumentValues,
  getNamedType,
  getVariableValues,
  GraphQLError,
  isCompositeType,
  isObjectType,
  Kind,
  type DocumentNode,
  type FieldNode,
  type FragmentDefinitionNode,
  type GraphQLCompositeType,
  type GraphQLSchema,
  type OperationDefinitionNode,
  type SelectionSetNode,
} from 'graphql';
import { getComplexity, type ComplexityEstimatorArgs } from 'graphql-query-complexity';
import { tooComplex } from './limits.validation';
import { MAX_PAGE } from '../common/connection';
import { fromGlobalId } from '../common/global-id';

/**
 * The cost of an operation, computed before it runs (GitHub's and Shopify's model, in points):
 *
 * - a field returning an object costs 1, plus what is selected in it; a scalar or enum field costs 0;
 * - a connection (any field taking `first`) costs 1 + `first` × what one item selects: `nodes { … }` and
 *   `edges { node { … } }` cost 1 per item plus their selection; `pageInfo`, `totalCount`, `cursor` and the edge
 *   wrapper itself cost nothing more (they come with the page);
 * - `nodes(ids:)` costs what one node selects, once per id; other lists without `first` (ancestors, a congress's
 *   history, `byLevel`…) count once: the domain bounds them (a depth, seven levels, a few congresses);
 * - a roll-up (`progress`, on Query or Organization) costs ROLLUP_TODAY when read on the request's today (precomputed
 *   counters) and ROLLUP_PAST on any other date: a live aggregate, and one statement per distinct date. The date is the
 *   field's own `asOf`, else the one it inherits: the `asOf` of the nearest enclosing field that has one (an
 *   organisation or list read with `asOf`), or the date in a dated id given to `node`/`nodes`. `byLevel` and `byStage`
 *   come with their roll-up (1 each). `timeline` always counts past dates: ROLLUP_PAST + 1 per point (month or week);
 * - `upcoming` runs a statement of its own: 1;
 * - a mutation field costs MUTATION plus what its payload selects;
 * - every operation costs at least 1.
 *
 * Operations over COST_MAX_PER_QUERY are refused (QUERY_TOO_COMPLEX) before they run; the cost of the others is
 * spent from the principal's budget per minute (src/server/limits.budget.ts). The cost model does not depend on the
 * data: the same operation with the same variables on the same day always costs the same.
 */
export const COST = Object.freeze({
  object: 1,
  rollupToday: 1,
  rollupPast: 10,
  timelinePoint: 1,
  upcoming: 1,
  mutation: 10,
});

/** Roll-up fields: a live aggregate when read on a date other than today. */
const ROLLUPS = new Set(['Query.progress', 'Organization.progress']);
/** Types that only wrap a page's items: their own cost is nothing (the connection pays for the page). */
const WRAPPER_TYPES = new Set(['PageInfo']);
const isWrapper = (typeName: string) => WRAPPER_TYPES.has(typeName) || typeName.endsWith('Edge');

/** What the pre-walk found that execution would need to know: dated roll-ups, bad page sizes, introspection. */
export interface Analysis {
  /** Roll-up field nodes read on a date other than today (own `asOf` or inherited). */
  dated: Set<FieldNode>;
  /** The operation reads a roll-up on a past date: a dated roll-up, or a `timeline`. */
  pastDate: boolean;
  /** The first connection whose `first` is outside 1..MAX_PAGE (literal or variable). */
  badPage: { coordinate: string; value: unknown } | null;
  /** The operation selects `__schema` or `__type`. */
  introspection: boolean;
  /** The variables did not coerce: execution reports it (and runs nothing). */
  invalidVariables: boolean;
}

/**
 * Walks the operation with its fragments (each fragment at most once per dated/undated context, so a fragment spread
 * many times costs the walk nothing more), with the coerced variables: marks the roll-ups read on a past date, finds
 * `first` out of range and introspection. A field node reached both dated and not (a fragment spread under both) is
 * marked dated: the cost errs on the high side.
 */
export function analyse(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, today: string): Analysis {
  const out: Analysis = { dated: new Set(), pastDate: false, badPage: null, introspection: false, invalidVariables: false };
  const coercion = getVariableValues(schema, operation.variableDefinitions ?? [], variables ?? {});
  if (coercion.errors) {
    out.invalidVariables = true;
    return out;
  }
  const values = coercion.coerced;
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const seen = new Set<string>();

  const walk = (selectionSet: SelectionSetNode, parent: GraphQLCompositeType, dated: boolean): void => {
    for (const selection of selectionSet.selections) {
      if (selection.kind === Kind.FIELD) {
        const name = selection.name.value;
        if (name === '__schema' || name === '__type') {
          out.introspection = true;
          continue;
        }
        const field = 'getFields' in parent ? parent.getFields()[name] : undefined;
        if (!field) continue; // __typename, or a field validation refused
        let args: Record<string, unknown> = {};
        try {
          args = field.args.length ? getArgumentValues(field, selection, values) : {};
        } catch {
          // an argument that does not coerce: execution reports it
        }
        const coordinate = `${parent.name}.${name}`;
        if (field.args.some((a) => a.name === 'first') && !out.badPage) {
          const first = args.first;
          if (!(typeof first === 'number' && Number.isInteger(first) && first >= 1 && first <= MAX_PAGE)) out.badPage = { coordinate, value: first };
        }
        const own = ownDate(coordinate, args);
        const here = own === undefined ? dated : own !== null && own !== today;
        if (here && ROLLUPS.has(coordinate)) out.dated.add(selection);
        if ((here && ROLLUPS.has(coordinate)) || coordinate === 'Progress.timeline') out.pastDate = true;
        const type = getNamedType(field.type);
        if (selection.selectionSet && isCompositeType(type)) walk(selection.selectionSet, type, here);
      } else if (selection.kind === Kind.INLINE_FRAGMENT) {
        const type = selection.typeCondition ? schema.getType(selection.typeCondition.name.value) : parent;
        if (type && isCompositeType(type)) walk(selection.selectionSet, type, dated);
      } else {
        const fragment = fragments.get(selection.name.value);
        const key = `${selection.name.value}|${dated}`;
        if (!fragment || seen.has(key)) continue;
        seen.add(key);
        const type = schema.getType(fragment.typeCondition.name.value);
        if (type && isCompositeType(type)) walk(fragment.selectionSet, type, dated);
      }
    }
  };
  const root = schema.getRootType(operation.operation);
  if (root) walk(operation.selectionSet, root, false);
  return out;
}

/**
 * The date a field reads at when it says so itself: its `asOf`, or for `node`/`nodes` the date of a dated id (the
 * latest one given, a plain id reading today). `undefined`: it inherits its parent's.
 */
function ownDate(coordinate: string, args: Record<string, unknown>): string | null | undefined {
  if (typeof args.asOf === 'string') return args.asOf;
  const ids = coordinate === 'Query.node' ? [args.id] : coordinate === 'Query.nodes' && Array.isArray(args.ids) ? args.ids : null;
  if (!ids) return undefined;
  let date: string | null = null;
  for (const id of ids) {
    try {
      const asOf = typeof id === 'string' ? fromGlobalId(id).asOf : null;
      if (asOf && (date === null || asOf > date)) date = asOf;
    } catch {
      // a malformed id: the resolver refuses it
    }
  }
  return date;
}

/** Periods of a `timeline(from, to, interval)`: months or weeks touched, at least 1. */
export function timelinePoints(args: Record<string, unknown>): number {
  const from = typeof args.from === 'string' ? Date.parse(args.from) : NaN;
  const to = typeof args.to === 'string' ? Date.parse(args.to) : NaN;
  if (!(to >= from)) return 1;
  if (args.interval === 'WEEK') return Math.floor((to - from) / (7 * 86_400_000)) + 2;
  const a = new Date(from);
  const b = new Date(to);
  return (b.getUTCFullYear() - a.getUTCFullYear()) * 12 + (b.getUTCMonth() - a.getUTCMonth()) + 1;
}

/** The estimator of the model above, for graphql-query-complexity. */
function estimator(dated: ReadonlySet<FieldNode>) {
  return ({ type, field, node, args, childComplexity }: ComplexityEstimatorArgs): number => {
    const coordinate = `${type.name}.${field.name}`;
    if (isObjectType(type) && type.name === 'Mutation') return COST.mutation + childComplexity;
    if (ROLLUPS.has(coordinate)) return (dated.has(node) ? COST.rollupPast : COST.rollupToday) + childComplexity;
    if (coordinate === 'Progress.timeline') return COST.rollupPast + COST.timelinePoint * timelinePoints(args) + childComplexity;
    if (coordinate === 'Progress.upcoming') return COST.upcoming;
    if (field.args.some((a) => a.name === 'first')) {
      const first = typeof args.first === 'number' ? Math.min(Math.max(Math.trunc(args.first), 1), MAX_PAGE) : MAX_PAGE;
      return COST.object + first * childComplexity;
    }
    if (coordinate === 'Query.nodes') return (Array.isArray(args.ids) ? args.ids.length : 1) * (COST.object + childComplexity);
    const named = getNamedType(field.type);
    if (!isCompositeType(named)) return 0;
    if (isWrapper(named.name)) return childComplexity;
    return COST.object + childComplexity;
  };
}

/** Field selections the cost walk may expand (fragments included) before it gives up: QUERY_TOO_COMPLEX. */
export const MAX_COST_NODES = 10_000;

/** What the limits need to know of an operation with its variables on a day: the analysis and the cost. */
export interface Estimate {
  introspection: boolean;
  badPage: Analysis['badPage'];
  invalidVariables: boolean;
  /** It reads roll-ups on a past date: its statements take the past-date lane (SQL_MAX_CONCURRENT_PAST_DATE). */
  pastDate: boolean;
  /** The cost (at least 1); null: the fragments expand past MAX_COST_NODES; 0: not computed (refused earlier). */
  requested: number | null;
}

export function estimate(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, today: string): Estimate {
  const analysis = analyse(schema, document, operation, variables, today);
  const out: Estimate = { introspection: analysis.introspection, badPage: analysis.badPage, invalidVariables: analysis.invalidVariables, pastDate: analysis.pastDate, requested: 0 };
  if (analysis.badPage || analysis.invalidVariables) return out;
  try {
    out.requested = costOf(schema, document, operation, variables, analysis);
  } catch (err) {
    if (!(err instanceof Error) || !/maximum allowed number of nodes/.test(err.message)) throw err;
    out.requested = null;
  }
  return out;
}

/**
 * Estimates of recent requests, by query (Apollo's hash), operation, variables and day: an estimate depends on nothing
 * else, and a dashboard sends the same request again and again (the analysis costs ~0.3 ms a request otherwise).
 */
const MAX_KEY_LENGTH = 2000;

export class EstimateCache {
  private readonly entries = new Map<string, Estimate>();
  constructor(private readonly size = 1000) {}

  get(key: string, compute: () => Estimate): Estimate {
    if (key.length > MAX_KEY_LENGTH) return compute(); // large variables: not worth keeping
    const hit = this.entries.get(key);
    if (hit) {
      this.entries.delete(key); // most recently used last
      this.entries.set(key, hit);
      return hit;
    }
    const value = compute();
    this.entries.set(key, value);
    if (this.entries.size > this.size) this.entries.delete(this.entries.keys().next().value!);
    return value;
  }
}

/** The operation's cost (see COST), at least 1. Throws graphql-query-complexity's error past MAX_COST_NODES. */
export function costOf(schema: GraphQLSchema, document: DocumentNode, operation: OperationDefinitionNode, variables: Record<string, unknown> | undefined, analysis: Analysis): number {
  // The operation alone with its fragments: the package would otherwise add up every operation of the document.
  const query: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...document.definitions.filter((d) => d.kind === Kind.FRAGMENT_DEFINITION)] };
  const cost = getComplexity({ schema, query, variables: variables ?? {}, estimators: [estimator(analysis.dated)], maxQueryNodes: MAX_COST_NODES });
  return Math.max(1, cost);
}

/**
 * What an operation's estimate is refused for before anything runs, over HTTP or WebSocket alike: `first` out of
 * range (BAD_USER_INPUT), more fields than the cost walk expands, or a cost over `maxCost` (QUERY_TOO_COMPLEX). Null:
 * within the limits (or variables that do not coerce, which execution reports without reading anything).
 */
export function refusalOf(e: Estimate, maxCost: number, what: 'query' | 'subscription'): GraphQLError | null {
  if (e.badPage) {
    const { coordinate, value } = e.badPage;
    return new GraphQLError(`"first" of ${coordinate} must be from 1 to ${MAX_PAGE} (got ${JSON.stringify(value ?? null)}).`, {
      extensions: { code: 'BAD_USER_INPUT', argument: 'first', field: coordinate, http: { status: 400 } },
    });
  }
  if (e.invalidVariables) return null;
  if (e.requested === null) return tooComplex('nodes', `The ${what} selects more than ${MAX_COST_NODES} fields once its fragments are expanded.`, { maximum: MAX_COST_NODES });
  if (e.requested > maxCost) {
    const advice = what === 'query' ? 'Ask for smaller pages (first) or fewer past-date roll-ups.' : 'Select less in it.';
    return tooComplex('cost', `The ${what} costs ${e.requested} points${what === 'subscription' ? ' per event' : ''}; at most ${maxCost} are allowed per ${what}. ${advice}`, {
      requested: e.requested,
      maximum: maxCost,
    });
  }
  return null;
}
