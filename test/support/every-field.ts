import {
  buildClientSchema,
  getIntrospectionQuery,
  getNamedType,
  isAbstractType,
  isEnumType,
  isInputObjectType,
  isLeafType,
  isListType,
  isNonNullType,
  isObjectType,
  type GraphQLArgument,
  type GraphQLCompositeType,
  type GraphQLField,
  type GraphQLInputType,
  type GraphQLNamedType,
  type GraphQLObjectType,
  type GraphQLOutputType,
  type GraphQLSchema,
  type IntrospectionQuery,
} from 'graphql';
import type { TestApp } from './harness';

/**
 * Queries generated from the schema itself, and the (object type, field) pairs a response shows were executed under
 * a non-null parent — so a field added to the schema is selected and checked without anyone listing it.
 */

/** The schema the server serves, through introspection. */
export async function servedSchema(app: TestApp): Promise<GraphQLSchema> {
  const { body } = await app.gql(getIntrospectionQuery());
  if (body.errors) throw new Error(JSON.stringify(body.errors));
  return buildClientSchema(body.data as IntrospectionQuery);
}

/** Values arguments get, chosen for the data the query runs on. */
export interface ArgValues {
  /** `first` of every connection. */
  first: number;
  /** Root fields get one alias per date for their Date arguments (`asOf`, …), besides one leaving them out. */
  dates: string[];
  /** Date arguments named `from` / `to` (required ones always; optional ones in a root alias of their own). */
  range: { from: string; to: string };
  /** String arguments by name; a required one gets one root alias per value (e.g. `code`). */
  strings: Record<string, string[]>;
  /** ID arguments that do not pick the type of what they return (e.g. `under`). */
  defaultId: string;
}

interface Picked {
  key: string;
  field: GraphQLField<unknown, unknown>;
  args: string;
  sel?: Sel;
}

/** One selection set: its fields per concrete type (inline fragments where the position is abstract). */
interface Sel {
  type: GraphQLCompositeType;
  depth: number;
  fields: Map<string, Map<string, Picked>>;
}

type Mode = { date?: string; range?: boolean; filters?: boolean };

const MAX_DEPTH = 14;
const json = (v: unknown) => JSON.stringify(v);
const pair = (type: string, field: string) => `${type}.${field}`;

/** Object types reachable from `root` through fields (abstract types through their possible types). */
export function reachableTypes(schema: GraphQLSchema, root: GraphQLObjectType | null | undefined): Set<string> {
  const seen = new Set<string>();
  const visit = (t: GraphQLObjectType) => {
    if (seen.has(t.name)) return;
    seen.add(t.name);
    for (const f of Object.values(t.getFields())) for (const o of objectsOf(schema, getNamedType(f.type))) visit(o);
  };
  if (root) visit(root);
  return seen;
}

/** The object types of the schema but introspection's. */
export function objectTypes(schema: GraphQLSchema): string[] {
  return Object.values(schema.getTypeMap())
    .filter((t) => isObjectType(t) && !t.name.startsWith('__'))
    .map((t) => t.name);
}

/** "Type.field" for every field of the given object types, sorted. */
export function fieldPairs(schema: GraphQLSchema, types: Iterable<string>): string[] {
  const out: string[] = [];
  for (const name of types) {
    const t = schema.getType(name);
    if (isObjectType(t)) for (const f of Object.keys(t.getFields())) out.push(pair(name, f));
  }
  return out.sort();
}

function objectsOf(schema: GraphQLSchema, t: GraphQLNamedType): readonly GraphQLObjectType[] {
  if (isObjectType(t)) return [t];
  if (isAbstractType(t)) return schema.getPossibleTypes(t);
  return [];
}

/** A growing query over one root type, and what its latest response covered. */
export class QueryPlan {
  readonly root: Sel;
  covered = new Set<string>();
  /** Selection sets where an object of a type appeared (non-null), in response order. */
  seenAt = new Map<string, Sel[]>();
  /** The first id seen of each type, kept across responses so the root aliases that use it stay the same. */
  firstIds = new Map<string, string>();
  /** Date and DateTime values that are not what their scalar promises. */
  badScalars: string[] = [];
  private distances = new Map<string, Map<string, number>>();

  constructor(
    readonly schema: GraphQLSchema,
    readonly rootType: GraphQLObjectType,
    readonly values: ArgValues,
  ) {
    this.root = { type: rootType, depth: 0, fields: new Map() };
  }

  text(operation = 'query'): string {
    return `${operation} EveryField ${this.render(this.root)}`;
  }

  /** Adds `field` under `sel` for concrete type `on`; a composite field gets the leaf fields of its type (or only `__typename`). */
  add(sel: Sel, on: GraphQLObjectType, field: GraphQLField<unknown, unknown>, args: string, key?: string, withLeaves = true): Picked {
    const byKey = sel.fields.get(on.name) ?? new Map<string, Picked>();
    sel.fields.set(on.name, byKey);
    const k = key ?? (isAbstractType(sel.type) ? `${on.name}_${field.name}` : field.name);
    const named = getNamedType(field.type);
    const type = named as GraphQLCompositeType;
    const nested = withLeaves ? this.leaves(type, sel.depth + 1) : { type, depth: sel.depth + 1, fields: new Map() };
    const picked: Picked = { key: k, field, args, sel: isLeafType(named) ? undefined : nested };
    byKey.set(k, picked);
    return picked;
  }

  /** A selection set with every leaf field (arguments generated) of each concrete type. */
  leaves(type: GraphQLCompositeType, depth: number): Sel {
    const sel: Sel = { type, depth, fields: new Map() };
    for (const t of objectsOf(this.schema, type)) {
      sel.fields.set(t.name, new Map());
      for (const f of Object.values(t.getFields())) {
        const args = this.baseArgs(f);
        if (isLeafType(getNamedType(f.type)) && args !== null) this.add(sel, t, f, args);
      }
    }
    return sel;
  }

  /** The root field and arguments behind a response path's first key (to say which alias an error came from). */
  rootCall(key: string | number | undefined): string {
    const p = this.root.fields.get(this.rootType.name)?.get(String(key));
    return p ? `${p.field.name}${p.args}` : String(key);
  }

  /** Reads a response: coverage, where each type appeared, the first id of each type, scalar formats. */
  record(data: unknown): void {
    this.covered = new Set();
    this.seenAt = new Map();
    this.badScalars = [];
    this.walk(data, this.root);
  }

  uncovered(types: Iterable<string>): string[] {
    return fieldPairs(this.schema, types).filter((p) => !this.covered.has(p));
  }

  /**
   * Grows the query toward what the last response did not cover; returns how many fields it added (0: done).
   * - every root field, in one alias per argument variant (dates, ranges, filters, each code, an id of each type);
   * - a field not executed yet is added where its type first appeared (non-null);
   * - for a type that never appeared, every selection set where some type appeared that can lead to it gets the first
   *   step of a shortest way there, selecting only `__typename` (so every variant of the root fields is explored for
   *   it, not only the first, and the query stays small).
   */
  expand(required: Set<string>): number {
    let added = this.rootVariants();
    for (const name of required) {
      const t = this.schema.getType(name) as GraphQLObjectType;
      const at = this.seenAt.get(name)?.[0];
      if (!at || t === this.rootType) continue;
      for (const f of Object.values(t.getFields())) {
        if (this.covered.has(pair(name, f.name)) || this.has(at, name, f.name)) continue;
        const args = this.baseArgs(f);
        if (args !== null) {
          this.add(at, t, f, args);
          added++;
        }
      }
    }
    for (const target of required) {
      if (this.seenAt.has(target)) continue;
      for (const [name, sels] of this.seenAt) {
        const t = this.schema.getType(name) as GraphQLObjectType;
        const d = this.distance(name, target);
        if (t === this.rootType || !Number.isFinite(d) || d === 0) continue;
        for (const f of Object.values(t.getFields())) {
          const args = this.baseArgs(f);
          if (args === null || this.step(f, target) !== d - 1) continue;
          for (const sel of sels) {
            if (sel.depth >= MAX_DEPTH || this.has(sel, name, f.name)) continue;
            this.add(sel, t, f, args, undefined, false);
            added++;
          }
        }
      }
    }
    return added;
  }

  private rootVariants(): number {
    let added = 0;
    for (const f of Object.values(this.rootType.getFields())) {
      const existing = [...(this.root.fields.get(this.rootType.name)?.values() ?? [])].filter((p) => p.field.name === f.name);
      for (const args of this.variants(f)) {
        if (existing.some((p) => p.args === args)) continue;
        existing.push(this.add(this.root, this.rootType, f, args, existing.length ? `${f.name}_${existing.length}` : f.name));
        added++;
      }
    }
    return added;
  }

  /** Argument strings of a root field: required ones only, then per date, with the range, with every filter. */
  variants(f: GraphQLField<unknown, unknown>): string[] {
    const modes: Mode[] = [{}, ...this.values.dates.map((date) => ({ date })), { range: true }, { filters: true }];
    const out = new Set<string>();
    for (const mode of modes) {
      let combos: string[][] = [[]];
      for (const arg of f.args) {
        const choices = this.choices(arg, mode, f.type);
        if (!choices.length) {
          if (isRequired(arg)) combos = [];
          continue;
        }
        combos = combos.flatMap((c) => choices.map((v) => [...c, `${arg.name}: ${v}`]));
      }
      for (const c of combos) out.add(c.length ? `(${c.join(', ')})` : '');
    }
    return [...out];
  }

  /** Required arguments only (null when one cannot be generated). */
  baseArgs(f: GraphQLField<unknown, unknown>): string | null {
    const parts: string[] = [];
    for (const arg of f.args) {
      const [v] = this.choices(arg, {}, f.type);
      if (v !== undefined) parts.push(`${arg.name}: ${v}`);
      else if (isRequired(arg)) return null;
    }
    return parts.length ? `(${parts.join(', ')})` : '';
  }

  /** Literal values for one argument in one mode; [] leaves it out. */
  private choices(arg: GraphQLArgument, mode: Mode, returns: GraphQLOutputType): string[] {
    if (['after', 'before', 'last'].includes(arg.name)) return [];
    const named = getNamedType(arg.type);
    const isRange = arg.name === 'from' || arg.name === 'to';
    const wanted = isRequired(arg) || mode.filters || (named.name === 'Date' && (isRange ? mode.range : mode.date !== undefined));
    if (!wanted) return [];
    const nullable = isNonNullType(arg.type) ? arg.type.ofType : arg.type;
    let singles: string[];
    if (named.name === 'Date') singles = [json(isRange ? this.values.range[arg.name as 'from' | 'to'] : (mode.date ?? this.values.dates[0]))];
    else if (named.name === 'Int') singles = [String(arg.name === 'first' ? this.values.first : 1)];
    else if (named.name === 'Float') singles = ['1'];
    else if (named.name === 'Boolean') singles = ['true'];
    else if (named.name === 'String') singles = (this.values.strings[arg.name] ?? (isRequired(arg) ? ['x'] : [])).map(json);
    else if (named.name === 'ID') {
      const abstract = getNamedType(returns);
      singles = isAbstractType(abstract) ? objectsOf(this.schema, abstract).flatMap((t) => this.firstIds.get(t.name) ?? []).map(json) : [json(this.values.defaultId)];
      if (isListType(nullable)) return singles.length ? [`[${singles.join(', ')}]`] : [];
    } else if (isEnumType(named)) singles = [named.getValues()[0].name];
    else if (isInputObjectType(named)) singles = [inputLiteral(named, (t, name) => this.fill(t, name))];
    else singles = [];
    if (!isRequired(arg)) singles = singles.slice(0, 1);
    return isListType(nullable) ? singles.slice(0, 1).map((s) => `[${s}]`) : singles;
  }

  private fill(type: GraphQLInputType, name: string): string | undefined {
    const [v] = this.choices({ name, type, defaultValue: undefined } as GraphQLArgument, {}, this.rootType);
    return v;
  }

  private has(sel: Sel, on: string, field: string): boolean {
    return [...(sel.fields.get(on)?.values() ?? [])].some((p) => p.field.name === field);
  }

  /** Fields from object type `from` to object type `to` (Infinity: no way). */
  private distance(from: string, to: string): number {
    let d = this.distances.get(to);
    if (!d) {
      d = new Map([[to, 0]]);
      for (let changed = true; changed; ) {
        changed = false;
        for (const t of Object.values(this.schema.getTypeMap())) {
          if (!isObjectType(t) || t.name.startsWith('__')) continue;
          for (const f of Object.values(t.getFields())) {
            const via = Math.min(Infinity, ...objectsOf(this.schema, getNamedType(f.type)).map((o) => d!.get(o.name) ?? Infinity)) + 1;
            if (via < (d.get(t.name) ?? Infinity)) {
              d.set(t.name, via);
              changed = true;
            }
          }
        }
      }
      this.distances.set(to, d);
    }
    return d.get(from) ?? Infinity;
  }

  private step(f: GraphQLField<unknown, unknown>, to: string): number {
    return Math.min(Infinity, ...objectsOf(this.schema, getNamedType(f.type)).map((o) => this.distance(o.name, to)));
  }

  private render(sel: Sel): string {
    const body = (on: string) =>
      [...(sel.fields.get(on)?.values() ?? [])]
        .map((p) => `${p.key === p.field.name ? '' : `${p.key}: `}${p.field.name}${p.args}${p.sel ? ` ${this.render(p.sel)}` : ''}`)
        .join(' ');
    if (isObjectType(sel.type)) return `{ __typename ${body(sel.type.name)} }`;
    const fragments = objectsOf(this.schema, sel.type).map((t) => `... on ${t.name} { __typename ${body(t.name)} }`);
    return `{ __typename ${fragments.join(' ')} }`;
  }

  private walk(value: unknown, sel: Sel): void {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      for (const v of value) this.walk(v, sel);
      return;
    }
    const obj = value as Record<string, unknown>;
    const type = obj.__typename as string;
    const at = this.seenAt.get(type) ?? [];
    if (!at.includes(sel)) at.push(sel);
    this.seenAt.set(type, at);
    for (const p of sel.fields.get(type)?.values() ?? []) {
      if (!(p.key in obj)) continue;
      this.covered.add(pair(type, p.field.name));
      const v = obj[p.key];
      if (p.sel) this.walk(v, p.sel);
      else this.checkScalar(`${type}.${p.field.name}`, getNamedType(p.field.type).name, v);
      if (p.field.name === 'id' && typeof v === 'string' && !this.firstIds.has(type)) this.firstIds.set(type, v);
    }
  }

  private checkScalar(where: string, scalar: string, value: unknown): void {
    const formats: Record<string, RegExp> = {
      Date: /^\d{4}-\d{2}-\d{2}$/,
      DateTime: /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/,
    };
    const format = formats[scalar];
    if (!format) return;
    for (const v of [value].flat(Infinity)) {
      if (v !== null && (typeof v !== 'string' || !format.test(v) || Number.isNaN(Date.parse(v)))) this.badScalars.push(`${where}: ${json(v)}`);
    }
  }
}

function isRequired(arg: { type: GraphQLInputType; defaultValue?: unknown }): boolean {
  return isNonNullType(arg.type) && arg.defaultValue === undefined;
}

/** An input object literal with every field filled by `value` (fields it gives nothing for are left out). */
function inputLiteral(type: GraphQLNamedType, value: (t: GraphQLInputType, name: string) => string | undefined, depth = 0): string {
  if (!isInputObjectType(type) || depth > 4) return '{}';
  const parts = Object.values(type.getFields()).flatMap((f) => {
    const v = isInputObjectType(getNamedType(f.type)) ? wrapList(f.type, inputLiteral(getNamedType(f.type), value, depth + 1)) : value(f.type, f.name);
    return v === undefined ? [] : [`${f.name}: ${v}`];
  });
  return `{ ${parts.join(', ')} }`;
}

function wrapList(type: GraphQLInputType, literal: string): string {
  const nullable = isNonNullType(type) ? type.ofType : type;
  return isListType(nullable) ? `[${literal}]` : literal;
}

/**
 * For a mutation, an input every business rule refuses: ids are well-formed ids of missing objects (`id`: of the type
 * the mutation is named after; another field: of the type it is named after, else `otherIds`), numbers are -1 (a stale
 * version, an out-of-range count), strings are not codes.
 */
export function refusedInput(schema: GraphQLSchema, mutation: string, missingId: (type: string) => string, otherIds: string) {
  const nodeTypes = objectsOf(schema, schema.getType('Node') ?? ({} as GraphQLNamedType)).map((t) => t.name);
  const byMutation = [...nodeTypes].sort((a, b) => b.length - a.length).find((t) => mutation.toLowerCase().startsWith(t.toLowerCase())) ?? otherIds;
  const idType = (field: string) => {
    const cap = field[0].toUpperCase() + field.slice(1);
    return field === 'id' ? byMutation : (nodeTypes.find((t) => t === cap || t === cap.replace(/s$/, '')) ?? otherIds);
  };
  const scalar = (type: GraphQLInputType, field: string): string | undefined => {
    const named = getNamedType(type);
    const one: Record<string, string> = {
      ID: json(missingId(idType(field))),
      Int: '-1',
      Float: '-1',
      String: json('not a code!'),
      Boolean: 'false',
      Date: json('2025-06-01'),
      DateTime: json('2025-06-01T00:00:00Z'),
    };
    const v = isEnumType(named) ? named.getValues()[0].name : one[named.name];
    return v === undefined ? undefined : wrapList(type, v);
  };
  return (arg: GraphQLArgument): string | undefined => {
    const named = getNamedType(arg.type);
    return isInputObjectType(named) ? wrapList(arg.type, inputLiteral(named, scalar)) : scalar(arg.type, arg.name);
  };
}

/** A mutation selecting every field of its payload (nested objects: their leaf fields), with the given arguments. */
export function mutationPlan(schema: GraphQLSchema, values: ArgValues, field: GraphQLField<unknown, unknown>, arg: (a: GraphQLArgument) => string | undefined): QueryPlan {
  const mutation = schema.getMutationType()!;
  const plan = new QueryPlan(schema, mutation, values);
  const args = field.args.flatMap((a) => {
    const v = arg(a);
    return v === undefined ? [] : [`${a.name}: ${v}`];
  });
  const payload = plan.add(plan.root, mutation, field, args.length ? `(${args.join(', ')})` : '');
  for (const t of objectsOf(schema, getNamedType(field.type))) {
    for (const f of Object.values(t.getFields())) {
      const fieldArgs = plan.baseArgs(f);
      if (!isLeafType(getNamedType(f.type)) && fieldArgs !== null && payload.sel) plan.add(payload.sel, t, f, fieldArgs);
    }
  }
  return plan;
}
