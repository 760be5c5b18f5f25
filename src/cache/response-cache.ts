import { HeaderMap, type ApolloServerPlugin, type GraphQLResponse } from '@apollo/server';
import { Kind, type DocumentNode, type FragmentDefinitionNode, type OperationDefinitionNode, type SelectionSetNode } from 'graphql';
import type { Context } from '../common/context';

/**
 * Answers reused while nothing has changed. Every committed write raises the data version (the `data_version` row,
 * raised by the kernel's last statement before COMMIT: src/live/live.notify.ts), and every request reads the version
 * before it reads anything else (in the statement that authenticates it). An answer computed by a request that read
 * version V is stored under V and reused only by requests that also read V: a request that reads V started after no
 * write committed since the stored one started, so it cannot be served a number a committed write has changed — on
 * any instance, since the version lives in the database. Answers of other versions are dropped as soon as a newer
 * version is seen.
 *
 * Reused: queries (never mutations) whose answer had no error. Keyed by what the answer depends on: the operation
 * (query hash, name, variables), the viewer's role and scope (and the principal itself when `viewer` is asked), and
 * the request's today. Not reused: operations reading `lastUsedAt`, which is refreshed outside the kernel.
 * Concurrent requests for the same key and version share one execution. Bounded by RESPONSE_CACHE_MB (least recently
 * used answers go first). What each request still does on a hit: authentication, limits, its cost spent from its
 * budget, `extensions.cost` — only the execution is skipped.
 */
export interface CacheStats {
  hits: number;
  misses: number;
  shared: number;
  entries: number;
  bytes: number;
}

type Data = Record<string, unknown>;

interface Policy {
  cacheable: boolean;
  perPrincipal: boolean;
}

/** Field names that make an answer depend on data the kernel does not version. */
const UNVERSIONED_FIELDS = new Set(['lastUsedAt']);
const MAX_POLICIES = 2000;

export class ResponseCache {
  private version = -1n;
  private readonly entries = new Map<string, { data: Data; bytes: number }>();
  private readonly running = new Map<string, Promise<Data | null>>();
  private readonly policies = new Map<string, Policy>();
  private bytes = 0;
  readonly stats = { hits: 0, misses: 0, shared: 0 };

  constructor(private readonly maxBytes: number) {}

  /** Entries of older versions are useless from the moment a newer one is seen. */
  private at(version: string): boolean {
    const v = BigInt(version);
    if (v > this.version) {
      this.version = v;
      this.entries.clear();
      this.running.clear();
      this.bytes = 0;
    }
    return v === this.version;
  }

  get(version: string, key: string): Data | undefined {
    if (!this.at(version)) return undefined;
    const hit = this.entries.get(key);
    if (hit) {
      // Most recently used last.
      this.entries.delete(key);
      this.entries.set(key, hit);
    }
    return hit?.data;
  }

  /** The answer another request is computing for this key and version, if any. */
  pending(version: string, key: string): Promise<Data | null> | undefined {
    return this.at(version) ? this.running.get(key) : undefined;
  }

  /** This request computes the answer: the returned function stores it (or null: nothing to store) and frees the waiters. */
  begin(version: string, key: string): (data: Data | null) => void {
    let release!: (data: Data | null) => void;
    const promise = new Promise<Data | null>((resolve) => (release = resolve));
    if (this.at(version)) this.running.set(key, promise);
    return (data) => {
      if (this.running.get(key) === promise) this.running.delete(key);
      if (data && this.at(version)) this.put(key, data);
      release(data);
    };
  }

  private put(key: string, data: Data): void {
    const bytes = 2 * JSON.stringify(data).length + key.length * 2 + 200;
    if (bytes > this.maxBytes / 4) return;
    const old = this.entries.get(key);
    if (old) this.bytes -= old.bytes;
    this.entries.set(key, { data, bytes });
    this.bytes += bytes;
    for (const [k, e] of this.entries) {
      if (this.bytes <= this.maxBytes) break;
      this.entries.delete(k);
      this.bytes -= e.bytes;
    }
  }

  policy(queryHash: string, document: DocumentNode, operation: OperationDefinitionNode): Policy {
    const id = `${queryHash}|${operation.name?.value ?? ''}`;
    let p = this.policies.get(id);
    if (!p) {
      if (this.policies.size >= MAX_POLICIES) this.policies.clear();
      this.policies.set(id, (p = policyOf(document, operation)));
    }
    return p;
  }

  snapshot(): CacheStats {
    return { ...this.stats, entries: this.entries.size, bytes: this.bytes };
  }
}

function policyOf(document: DocumentNode, operation: OperationDefinitionNode): Policy {
  if (operation.operation !== 'query') return { cacheable: false, perPrincipal: false };
  const fragments = new Map<string, FragmentDefinitionNode>();
  for (const d of document.definitions) if (d.kind === Kind.FRAGMENT_DEFINITION) fragments.set(d.name.value, d);
  const names = new Set<string>();
  const roots = new Set<string>();
  const seen = new Set<string>();
  const walk = (set: SelectionSetNode, root: boolean) => {
    for (const s of set.selections) {
      if (s.kind === Kind.FIELD) {
        names.add(s.name.value);
        if (root) roots.add(s.name.value);
        if (s.selectionSet) walk(s.selectionSet, false);
      } else if (s.kind === Kind.INLINE_FRAGMENT) walk(s.selectionSet, root);
      else if (!seen.has(s.name.value)) {
        seen.add(s.name.value);
        const f = fragments.get(s.name.value);
        if (f) walk(f.selectionSet, root);
      }
    }
  };
  walk(operation.selectionSet, true);
  return { cacheable: ![...names].some((n) => UNVERSIONED_FIELDS.has(n)), perPrincipal: roots.has('viewer') };
}

const answer = (data: Data): GraphQLResponse => ({ http: { status: undefined, headers: new HeaderMap() }, body: { kind: 'single', singleResult: { data } } });

/** The cache as an Apollo plugin: looked up once the operation is known and its cost spent (limits plugin), before execution. */
export function responseCachePlugin(cache: ResponseCache, onLookup: (outcome: 'hit' | 'miss' | 'shared' | 'bypass') => void = () => undefined): ApolloServerPlugin<Context> {
  return {
    async requestDidStart({ contextValue }) {
      let settle: ((data: Data | null) => void) | null = null;
      return {
        async responseForOperation({ operation, document, queryHash, request }) {
          if (!contextValue.dataVersion || !operation || !queryHash || !cache.policy(queryHash, document, operation).cacheable) {
            onLookup('bypass');
            return null;
          }
          const version = await contextValue.dataVersion();
          const viewer = contextValue.viewer;
          const who = cache.policy(queryHash, document, operation).perPrincipal ? `${viewer.kind}:${viewer.id}` : '';
          const key = `${who}|${viewer.role}|${viewer.scopeId ?? ''}|${contextValue.today}|${queryHash}|${operation.name?.value ?? ''}|${JSON.stringify(request.variables ?? {})}`;
          const hit = cache.get(version, key);
          if (hit) {
            cache.stats.hits++;
            onLookup('hit');
            return answer(hit);
          }
          const pending = cache.pending(version, key);
          if (pending) {
            const data = await pending;
            if (data) {
              cache.stats.shared++;
              onLookup('shared');
              return answer(data);
            }
          }
          cache.stats.misses++;
          onLookup('miss');
          settle = cache.begin(version, key);
          return null;
        },
        async willSendResponse({ response }) {
          if (!settle) return;
          const result = response.body.kind === 'single' ? response.body.singleResult : null;
          const ok = result && !result.errors?.length && result.data && (response.http.status === undefined || response.http.status === 200);
          settle(ok ? (result.data as Data) : null);
          settle = null;
        },
      };
    },
  };
}
