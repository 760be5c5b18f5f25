import type { MikroORM } from '@mikro-orm/postgresql';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { ERROR_CODES } from '../common/errors';
import { CLIENT_CLOSED } from '../common/request-scope';
import type { WriteObserver } from '../kernel';

/** Distinct operation names the metrics keep apart; later ones are counted as `other` (a client names its operations). */
export const MAX_OPERATION_NAMES = 100;

/** A GraphQL name (what a parsed document can hold), bounded in length. */
const OPERATION_NAME = /^[_A-Za-z][_0-9A-Za-z]{0,99}$/;

/** The outcomes a request is counted under: `ok`, `partial` (data with errors), or the code of its first error. */
const OUTCOMES = new Set<string>(['ok', 'partial', ...ERROR_CODES, CLIENT_CLOSED]);

/** What a request's metrics record (src/server/metrics.plugin.ts builds it). */
export interface RequestRecord {
  /** The label from `operationLabel`. */
  operation: string;
  outcome: string;
  /** The viewer's role (null: not authenticated, or not known). */
  role: string | null;
  durationSeconds: number;
  /** SQL statements the request sent (null: not known, e.g. no request scope). */
  statements: number | null;
  /** Cost points taken from the caller's budget (0: none). */
  costSpent: number;
}

/** The counters of knex's connection pool (tarn) that the gauges read at scrape time. */
export interface PoolStats {
  numUsed(): number;
  numFree(): number;
  numPendingAcquires(): number;
  numPendingCreates(): number;
  max?: number;
  on?(event: string, listener: (...args: any[]) => void): unknown;
}

/** The pool MikroORM's knex client draws connections from (undefined once it is destroyed). */
export function knexPool(orm: MikroORM): PoolStats | undefined {
  return (orm.em.getConnection().getKnex().client as { pool?: PoolStats }).pool;
}

const seconds = (ms: number) => ms / 1000;

/**
 * The operators' figures of one app, in Prometheus' text format at `GET /metrics`. Each app has its own registry
 * (never prom-client's global one): several apps in one process (the tests) count apart. The server records requests
 * (src/server/metrics.plugin.ts); the write path reports the counters' flush and notifications through the kernel's
 * composition root (src/kernel.ts, `WriteObserver`); the pool's gauges are read when scraped.
 */
export class Metrics implements WriteObserver {
  readonly registry = new Registry();
  private readonly operations = new Set<string>();
  private pool: () => PoolStats | undefined = () => undefined;
  private readonly requests: Counter<'operation' | 'outcome'>;
  private readonly duration: Histogram<'operation'>;
  private readonly cost: Counter<'role'>;
  private readonly statementsPerRequest: Histogram;
  private readonly statements: Counter;
  private readonly flush: Histogram;
  private readonly notifications: Counter;
  private readonly cacheLookups: Counter<'outcome'>;
  private readonly acquire: Histogram;
  /** What the gauges read at each scrape, set by the parts that know (watchCache, watchPastDateLane, watchLiveSubscriptions). */
  private readonly readings = { cacheBytes: () => 0, pastWaiting: () => 0, liveOpen: () => 0 };
  private readonly liveEvents: Counter;
  private readonly liveReconnects: Counter;

  constructor(opts: { processMetrics?: boolean } = {}) {
    const registers = [this.registry];
    this.requests = new Counter({
      name: 'daihoi_graphql_requests_total',
      help: 'GraphQL requests by operation name and outcome (ok, partial, or the first error code).',
      labelNames: ['operation', 'outcome'],
      registers,
    });
    this.duration = new Histogram({
      name: 'daihoi_graphql_request_duration_seconds',
      help: 'GraphQL request duration, from its arrival to its response, by operation name.',
      labelNames: ['operation'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
      registers,
    });
    this.cost = new Counter({
      name: 'daihoi_graphql_cost_points_total',
      help: "Cost points spent from callers' budgets, by role.",
      labelNames: ['role'],
      registers,
    });
    this.statementsPerRequest = new Histogram({
      name: 'daihoi_sql_statements_per_request',
      help: 'SQL statements one GraphQL request sent to PostgreSQL (counted at the driver).',
      buckets: [0, 1, 2, 3, 4, 5, 6, 8, 10, 15, 20, 30, 50, 100],
      registers,
    });
    this.statements = new Counter({
      name: 'daihoi_sql_statements_total',
      help: 'SQL statements sent to PostgreSQL by GraphQL requests.',
      registers,
    });
    const gauge = new Gauge({
      name: 'daihoi_db_pool_connections',
      help: 'Database pool connections: used, free, pending (requests waiting for one), creating.',
      labelNames: ['state'],
      registers,
      collect: () => {
        const pool = this.pool();
        if (!pool) return;
        gauge.set({ state: 'used' }, pool.numUsed());
        gauge.set({ state: 'free' }, pool.numFree());
        gauge.set({ state: 'pending' }, pool.numPendingAcquires());
        gauge.set({ state: 'creating' }, pool.numPendingCreates());
      },
    });
    const max = new Gauge({
      name: 'daihoi_db_pool_max',
      help: 'The most connections the database pool opens (DB_POOL_MAX).',
      registers,
      collect: () => {
        const pool = this.pool();
        if (typeof pool?.max === 'number') max.set(pool.max);
      },
    });
    this.acquire = new Histogram({
      name: 'daihoi_db_pool_acquire_seconds',
      help: 'Time a statement or transaction waited for a pooled connection.',
      buckets: [0.0001, 0.0005, 0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5, 10],
      registers,
    });
    this.flush = new Histogram({
      name: 'daihoi_progress_flush_seconds',
      help: "Time from the roll-up counters' write being queued (in the commit batch) to COMMIT, per transaction that changed them.",
      buckets: [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers,
    });
    this.notifications = new Counter({
      name: 'daihoi_notifications_sent_total',
      help: 'Change notifications (NOTIFY daihoi_changes) delivered, one per committed write transaction.',
      registers,
    });
    this.cacheLookups = new Counter({
      name: 'daihoi_response_cache_lookups_total',
      help: 'Response cache lookups (src/cache/response-cache.ts) by outcome: hit, shared (joined a running execution), miss, bypass (not cacheable).',
      labelNames: ['outcome'],
      registers,
    });
    /** A gauge set from `read` at each scrape. */
    const sampled = (name: string, help: string, read: () => number) => {
      const gauge: Gauge = new Gauge({ name, help, registers, collect: () => void gauge.set(read()) });
    };
    sampled('daihoi_response_cache_bytes', 'Estimated memory held by the response cache (bounded by RESPONSE_CACHE_MB).', () => this.readings.cacheBytes());
    sampled(
      'daihoi_sql_past_date_waiting',
      'Statements of past-date reads waiting for a turn in the past-date lane (SQL_MAX_CONCURRENT_PAST_DATE).',
      () => this.readings.pastWaiting(),
    );
    sampled('daihoi_live_subscriptions', 'Open GraphQL subscriptions (live updates over WebSocket, src/live).', () => this.readings.liveOpen());
    this.liveEvents = new Counter({ name: 'daihoi_live_events_sent_total', help: 'Subscription events sent to subscribers (coalesced: at most one pending per subscription).', registers });
    this.liveReconnects = new Counter({ name: 'daihoi_live_listener_reconnects_total', help: 'Times the change listener got its lost database connection back (every subscription then refreshed).', registers });
    if (opts.processMetrics ?? true) collectDefaultMetrics({ register: this.registry });
  }

  /** The `operation` label: the name, `anonymous` without one, `other` past MAX_OPERATION_NAMES distinct names. */
  operationLabel(name: string | null | undefined): string {
    if (!name) return 'anonymous';
    if (this.operations.has(name)) return name;
    if (!OPERATION_NAME.test(name) || this.operations.size >= MAX_OPERATION_NAMES) return 'other';
    this.operations.add(name);
    return name;
  }

  recordRequest(r: RequestRecord): void {
    this.requests.inc({ operation: r.operation, outcome: OUTCOMES.has(r.outcome) ? r.outcome : 'other' });
    this.duration.observe({ operation: r.operation }, r.durationSeconds);
    if (r.costSpent > 0) this.cost.inc({ role: r.role ?? 'none' }, r.costSpent);
    if (r.statements !== null) {
      this.statementsPerRequest.observe(r.statements);
      this.statements.inc(r.statements);
    }
  }

  /** The app's pool: its gauges are read at each scrape; its waits for a connection are timed as they happen. */
  watchPool(pool: PoolStats | undefined): void {
    this.pool = () => pool;
    if (!pool?.on) return;
    const waiting = new Map<number, number>();
    pool.on('acquireRequest', (id: number) => void waiting.set(id, performance.now()));
    pool.on('acquireSuccess', (id: number) => {
      const start = waiting.get(id);
      if (start === undefined) return;
      waiting.delete(id);
      this.acquire.observe(seconds(performance.now() - start));
    });
    pool.on('acquireFail', (id: number) => void waiting.delete(id));
  }

  progressFlushed(durationSeconds: number): void {
    this.flush.observe(durationSeconds);
  }

  notificationSent(): void {
    this.notifications.inc();
  }

  cacheLookup(outcome: 'hit' | 'miss' | 'shared' | 'bypass'): void {
    this.cacheLookups.inc({ outcome });
  }

  /** The response cache's size, read at each scrape. */
  watchCache(bytes: () => number): void {
    this.readings.cacheBytes = bytes;
  }

  /** Statements waiting in the past-date lane, read at each scrape. */
  watchPastDateLane(waiting: () => number): void {
    this.readings.pastWaiting = waiting;
  }

  /** Open subscriptions, read at each scrape (src/server/live.server.ts). */
  watchLiveSubscriptions(open: () => number): void {
    this.readings.liveOpen = open;
  }

  liveEventSent(): void {
    this.liveEvents.inc();
  }

  liveListenerReconnected(): void {
    this.liveReconnects.inc();
  }

  get contentType(): string {
    return this.registry.contentType;
  }

  render(): Promise<string> {
    return this.registry.metrics();
  }
}
