/**
 * Reading the server's figures from `GET /metrics` (Prometheus text, src/server/metrics.ts) for the bench: SQL statements
 * per request and the pool's use and waits come from there, not from response headers. Scrape before and after a run
 * and take the difference: counters and histograms only grow.
 */

/** One scrape: each series as the server prints it (`name{label="value",…}`, or `name` alone) → its value. */
export type Scrape = Map<string, number>;

export interface Series {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** `url`: the server's base URL, its /graphql URL or its /metrics URL. `token`: an ADMIN token (none with METRICS_PUBLIC). */
export async function scrape(url: string, token?: string): Promise<Scrape> {
  const u = new URL(url);
  u.pathname = '/metrics';
  const res = await fetch(u, { headers: token ? { authorization: `Bearer ${token}` } : {} });
  if (res.status !== 200) throw new Error(`GET ${u} answered ${res.status}: ${(await res.text()).slice(0, 200)}`);
  return parseMetrics(await res.text());
}

/** Prometheus' text format: comments skipped, a trailing timestamp ignored. */
export function parseMetrics(text: string): Scrape {
  const out: Scrape = new Map();
  for (const line of text.split('\n')) {
    if (!line || line.startsWith('#')) continue;
    const close = line.lastIndexOf('}');
    const split = close >= 0 ? close + 1 : line.indexOf(' ');
    const key = line.slice(0, split).trim();
    const [raw] = line.slice(split).trim().split(/\s+/);
    const value = raw === '+Inf' ? Infinity : raw === '-Inf' ? -Infinity : Number(raw);
    if (key) out.set(key, value);
  }
  return out;
}

const LABEL = /([A-Za-z_][A-Za-z0-9_]*)="((?:[^"\\]|\\.)*)"/g;
const unescape = (v: string) => v.replace(/\\(["\\n])/g, (_, c: string) => (c === 'n' ? '\n' : c));

function parseKey(key: string): { name: string; labels: Record<string, string> } {
  const open = key.indexOf('{');
  if (open < 0) return { name: key, labels: {} };
  const labels: Record<string, string> = {};
  for (const m of key.slice(open + 1, -1).matchAll(LABEL)) labels[m[1]] = unescape(m[2]);
  return { name: key.slice(0, open), labels };
}

/** The series named `name` whose labels include every one of `labels`. */
export function series(s: Scrape, name: string, labels: Record<string, string> = {}): Series[] {
  const out: Series[] = [];
  for (const [key, value] of s) {
    const parsed = parseKey(key);
    if (parsed.name !== name) continue;
    if (Object.entries(labels).every(([k, v]) => parsed.labels[k] === v)) out.push({ ...parsed, value });
  }
  return out;
}

/** The sum of the matching series (0 when none): e.g. `total(s, 'daihoi_graphql_requests_total', { outcome: 'ok' })`. */
export function total(s: Scrape, name: string, labels: Record<string, string> = {}): number {
  return series(s, name, labels).reduce((sum, x) => sum + x.value, 0);
}

export interface HistogramFigures {
  sum: number;
  count: number;
  /** sum / count (null when count is 0). */
  mean: number | null;
}

const figures = (sum: number, count: number): HistogramFigures => ({ sum, count, mean: count > 0 ? sum / count : null });

/** A histogram's `_sum` and `_count` over the matching label sets. */
export function histogram(s: Scrape, name: string, labels: Record<string, string> = {}): HistogramFigures {
  return figures(total(s, `${name}_sum`, labels), total(s, `${name}_count`, labels));
}

/** What a histogram gained between two scrapes (the observations made in between). */
export function histogramDelta(before: Scrape, after: Scrape, name: string, labels: Record<string, string> = {}): HistogramFigures {
  const a = histogram(before, name, labels);
  const b = histogram(after, name, labels);
  return figures(b.sum - a.sum, b.count - a.count);
}

/**
 * The q-quantile (0 < q < 1) of what a histogram gained between two scrapes, interpolated inside its bucket as
 * Prometheus' histogram_quantile does (null: nothing observed). An upper bound of the last finite bucket beyond it.
 */
export function quantileDelta(before: Scrape, after: Scrape, name: string, q: number, labels: Record<string, string> = {}): number | null {
  const buckets = new Map<number, number>();
  for (const [s, sign] of [
    [after, 1],
    [before, -1],
  ] as const) {
    for (const b of series(s, `${name}_bucket`, labels)) {
      const le = b.labels.le === '+Inf' ? Infinity : Number(b.labels.le);
      buckets.set(le, (buckets.get(le) ?? 0) + sign * b.value);
    }
  }
  const sorted = [...buckets.entries()].sort((x, y) => x[0] - y[0]);
  const count = sorted.length ? sorted[sorted.length - 1][1] : 0;
  if (count <= 0) return null;
  const rank = q * count;
  let lower = 0;
  let below = 0;
  for (const [le, cumulative] of sorted) {
    if (cumulative >= rank) {
      if (le === Infinity) return lower;
      const inBucket = cumulative - below;
      return inBucket > 0 ? lower + (le - lower) * ((rank - below) / inBucket) : le;
    }
    lower = le;
    below = cumulative;
  }
  return lower;
}

/** SQL statements per GraphQL request between two scrapes (null: no request in between). */
export function statementsPerRequest(before: Scrape, after: Scrape): number | null {
  return histogramDelta(before, after, 'daihoi_sql_statements_per_request').mean;
}

export interface PoolFigures {
  used: number;
  free: number;
  /** Statements and transactions waiting for a connection. */
  pending: number;
  creating: number;
  max: number;
}

/** The database pool at the moment of a scrape. */
export function pool(s: Scrape): PoolFigures {
  const state = (name: string) => total(s, 'daihoi_db_pool_connections', { state: name });
  return { used: state('used'), free: state('free'), pending: state('pending'), creating: state('creating'), max: total(s, 'daihoi_db_pool_max') };
}

export interface PoolWatch {
  samples: number;
  maxUsed: number;
  maxPending: number;
}

/**
 * Samples the pool every `everyMs` while a run goes on (the gauges are instantaneous); `stop()` returns the highest
 * figures seen. A failed scrape is skipped. Waits themselves are better read from `daihoi_db_pool_acquire_seconds`.
 */
export function watchPool(url: string, token: string | undefined, everyMs = 250): { stop(): Promise<PoolWatch> } {
  const seen: PoolWatch = { samples: 0, maxUsed: 0, maxPending: 0 };
  let inFlight: Promise<void> | null = null;
  const sample = () => {
    if (inFlight) return; // the previous scrape is still out: skip this tick
    inFlight = scrape(url, token)
      .then((s) => {
        const p = pool(s);
        seen.samples++;
        seen.maxUsed = Math.max(seen.maxUsed, p.used);
        seen.maxPending = Math.max(seen.maxPending, p.pending);
      })
      .catch(() => undefined)
      .finally(() => {
        inFlight = null;
      });
  };
  sample();
  const timer = setInterval(sample, everyMs);
  return {
    async stop() {
      clearInterval(timer);
      await inFlight;
      return { ...seen };
    },
  };
}
