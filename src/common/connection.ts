import { ArgsType, Field, Int, ObjectType, type ClassType } from 'type-graphql';
import { badInput } from './errors';

@ObjectType({ description: 'Relay page information.', simpleResolvers: true })
export class PageInfo {
  @Field() hasNextPage!: boolean;
  @Field({ description: 'True when the page was read `after` a cursor.' }) hasPreviousPage!: boolean;
  @Field(() => String, { nullable: true }) startCursor!: string | null;
  @Field(() => String, { nullable: true }) endCursor!: string | null;
}

export const MAX_PAGE = 100;

@ArgsType()
export class PageArgs {
  @Field(() => Int, { description: `How many items to return, 1 to ${MAX_PAGE}.` })
  first!: number;

  @Field(() => String, { nullable: true, description: 'Return items after this cursor (an `endCursor` from a previous page).' })
  after?: string | null;
}

/** A cursor is the opaque encoding of the sort key of the row it points at. */
export type SortKey = (string | number)[];

export function encodeCursor(key: SortKey): string {
  return Buffer.from(JSON.stringify(key), 'utf8').toString('base64url');
}

/** Validates `first` and decodes `after` against the expected shape of the sort key. */
export function parsePage(args: { first: number; after?: string | null }, shape: ('string' | 'number')[]): { first: number; after: SortKey | null } {
  if (!Number.isInteger(args.first) || args.first < 1 || args.first > MAX_PAGE) {
    throw badInput(`"first" must be from 1 to ${MAX_PAGE}`, { argument: 'first' });
  }
  if (args.after == null) return { first: args.first, after: null };
  let key: unknown;
  try {
    key = JSON.parse(Buffer.from(args.after, 'base64url').toString('utf8'));
  } catch {
    key = undefined;
  }
  if (!Array.isArray(key) || key.length !== shape.length || key.some((v, i) => typeof v !== shape[i])) {
    throw badInput('"after" is not a cursor of this list', { argument: 'after' });
  }
  return { first: args.first, after: key as SortKey };
}

export interface Page<T> {
  items: { cursor: string; node: T }[];
  hasNextPage: boolean;
  hasPreviousPage: boolean;
  totalCount: number;
}

/** Builds a page from rows fetched with `limit first + 1`. */
export function toPage<R, T>(rows: R[], first: number, after: unknown, totalCount: number, keyOf: (r: R) => SortKey, nodeOf: (r: R) => T): Page<T> {
  const slice = rows.slice(0, first);
  return {
    items: slice.map((r) => ({ cursor: encodeCursor(keyOf(r)), node: nodeOf(r) })),
    hasNextPage: rows.length > first,
    hasPreviousPage: after != null,
    totalCount,
  };
}

export interface ConnectionShape<T> {
  edges: { cursor: string; node: T }[];
  nodes: T[];
  pageInfo: PageInfo;
  totalCount: number;
}

export function toConnection<T>(page: Page<T>): ConnectionShape<T> {
  const pageInfo = Object.assign(new PageInfo(), {
    hasNextPage: page.hasNextPage,
    hasPreviousPage: page.hasPreviousPage,
    startCursor: page.items[0]?.cursor ?? null,
    endCursor: page.items[page.items.length - 1]?.cursor ?? null,
  });
  return { edges: page.items, nodes: page.items.map((e) => e.node), pageInfo, totalCount: page.totalCount };
}

/** Relay connection classes for a node type: `<Name>Connection` and `<Name>Edge`. */
export function ConnectionType<T extends object>(nodeClass: ClassType<T>, name: string) {
  @ObjectType(`${name}Edge`, { simpleResolvers: true })
  class Edge {
    @Field() cursor!: string;
    @Field(() => nodeClass) node!: T;
  }

  @ObjectType({ simpleResolvers: true })
  abstract class Connection implements ConnectionShape<T> {
    @Field(() => [Edge]) edges!: Edge[];
    @Field(() => [nodeClass]) nodes!: T[];
    @Field(() => PageInfo) pageInfo!: PageInfo;
    @Field(() => Int, { description: 'All items matching the filters, across pages.' }) totalCount!: number;
  }
  return Connection;
}

/** A connection with nothing in it (a list under an organisation the viewer cannot see). */
export function emptyConnection<T>(first: number, after: unknown): ConnectionShape<T> {
  return toConnection(toPage<T, T>([], first, after, 0, () => [], (r) => r));
}
