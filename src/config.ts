import path from 'node:path';

/** Every environment variable the service reads, parsed and validated once at start. */
export interface Config {
  port: number;
  host: string;
  databaseUrl: string | undefined;
  dataDir: string;
  embeddedPgPort: number;
  logLevel: LogLevel;
  /** Fixed "today" (YYYY-MM-DD) for tests and demos; undefined = the calendar date in `timeZone`. */
  today: string | undefined;
  timeZone: string;
  /** Load the demo seed when the database has no organisations. */
  seedDemo: boolean;
  /** Send `x-sql-statements` with each GraphQL response (tests and `npm run bench`). */
  sqlStatementHeader: boolean;
  introspection: boolean;
  dbPoolMax: number;
  /** How long a request waits for a pooled connection before it is answered SERVICE_UNAVAILABLE (503). */
  dbAcquireTimeoutMs: number;
  /** ANONYMOUS_ROLE=PUBLIC opens public reads without a token; unset: every request needs a token (401). */
  anonymousRole: 'PUBLIC' | null;
  /** BOOTSTRAP_TOKEN: an ADMIN principal with exactly this token is ensured at start. */
  bootstrapToken: string | undefined;
  /** SLOW_REQUEST_MS: a GraphQL request taking at least this long logs one `slow request` warning (0: never). */
  slowRequestMs: number;
  /** METRICS_PUBLIC: `GET /metrics` answers without a token (a scraper on a closed network); else ADMIN tokens only. */
  metricsPublic: boolean;
  /** Limits for clients (src/server/limits.*.ts): query shape, cost, budget per minute, SQL per request. */
  limits: LimitsConfig;
  /** RESPONSE_CACHE_MB: memory for answers reused at the same data version (src/cache/response-cache.ts); 0: off. */
  responseCacheMb: number;
}

/** What one client may ask of the service; the model is described in src/server/limits.cost.ts. */
export interface LimitsConfig {
  /** MAX_QUERY_DEPTH: nesting of fields (fragments flattened, introspection's `__schema` not counted). */
  maxDepth: number;
  /** MAX_QUERY_ALIASES: aliases in one operation, fragments included. */
  maxAliases: number;
  /** MAX_QUERY_TOKENS: lexical tokens of the document; the parser stops at the first one over. */
  maxTokens: number;
  /** MAX_QUERY_DIRECTIVES: directives in one operation. */
  maxDirectives: number;
  /** COST_MAX_PER_QUERY: the most one operation may cost, computed before it runs. */
  maxCostPerQuery: number;
  /** COST_BUDGET_PER_MINUTE: cost one principal (or one anonymous address) may spend per minute. */
  costBudgetPerMinute: number;
  /** SQL_MAX_CONCURRENT_PER_REQUEST: statements one request runs at once outside a transaction (the rest wait their turn). */
  maxConcurrentStatements: number;
  /** SQL_MAX_CONCURRENT_PER_PRINCIPAL: statements of all one principal's requests (one client address, anonymous) at once. */
  maxConcurrentStatementsPerPrincipal: number;
  /**
   * SQL_MAX_CONCURRENT_PAST_DATE: statements of requests reading roll-ups on a past date, of all principals together,
   * at once (taken in rounds between principals; 0: no such lane).
   */
  maxConcurrentPastDateStatements: number;
  /** STATEMENT_TIMEOUT_MS: PostgreSQL cancels a statement of the API's pool running longer (0: never). */
  statementTimeoutMs: number;
  /**
   * SQL_PARALLEL_WORKERS: PostgreSQL's parallel workers one statement of the API's pool may use
   * (`max_parallel_workers_per_gather`; -1: the server's own setting). 0: each statement on one core, so one costly
   * read cannot take every core.
   */
  parallelWorkersPerStatement: number;
  /** REDIS_URL: the budget is shared through Redis by every instance; unset: each instance counts in memory. */
  redisUrl: string | undefined;
  /** Prefix of the budget's Redis keys (instances sharing a budget share it). */
  redisKeyPrefix: string;
  /** LIVE_MAX_CONNECTIONS: WebSocket connections (live updates) one instance holds at once, authenticated or not. */
  liveMaxConnections: number;
  /** LIVE_MAX_CONNECTIONS_PER_IP: WebSocket connections from one peer address at once, before authentication (0: no cap). */
  liveMaxConnectionsPerIp: number;
  /** LIVE_MAX_CONNECTIONS_PER_PRINCIPAL: authenticated WebSocket connections of one principal (one address, anonymous) at once. */
  liveMaxConnectionsPerPrincipal: number;
  /** LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION: subscriptions one WebSocket connection holds at once. */
  liveMaxSubscriptionsPerConnection: number;
  /** LIVE_CONNECTION_INIT_TIMEOUT_MS: how long a new WebSocket may wait before sending `connection_init` (then 4408). */
  liveConnectionInitTimeoutMs: number;
  /** LIVE_KEEPALIVE_MS: a WebSocket ping this often; a peer that has not answered by the next one is dropped. */
  liveKeepAliveMs: number;
  /** LIVE_MAX_BUFFERED_KB: data queued for a WebSocket peer that does not read; past it the connection is closed (1013). */
  liveMaxBufferedKb: number;
}

export const DEFAULT_LIMITS: LimitsConfig = Object.freeze({
  maxDepth: 12,
  maxAliases: 60,
  maxTokens: 5000,
  maxDirectives: 10,
  maxCostPerQuery: 1000,
  costBudgetPerMinute: 20_000,
  maxConcurrentStatements: 3,
  maxConcurrentStatementsPerPrincipal: 4,
  maxConcurrentPastDateStatements: 1,
  statementTimeoutMs: 5000,
  parallelWorkersPerStatement: 0,
  redisUrl: undefined,
  redisKeyPrefix: 'daihoi:cost',
  liveMaxConnections: 2000,
  liveMaxConnectionsPerIp: 50,
  liveMaxConnectionsPerPrincipal: 20,
  liveMaxSubscriptionsPerConnection: 20,
  liveConnectionInitTimeoutMs: 3000,
  liveKeepAliveMs: 12_000,
  liveMaxBufferedKb: 1024,
});

export const LOG_LEVELS = ['error', 'warn', 'info', 'debug'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export class ConfigError extends Error {
  constructor(public readonly problems: string[]) {
    super(`Invalid configuration:\n  - ${problems.join('\n  - ')}`);
    this.name = 'ConfigError';
  }
}

type Env = Record<string, string | undefined>;

export function loadConfig(env: Env = process.env): Config {
  const problems: string[] = [];
  const str = (name: string): string | undefined => {
    const v = env[name];
    return v === undefined || v.trim() === '' ? undefined : v.trim();
  };
  const int = (name: string, fallback: number, min: number, max: number): number => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (!/^-?\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
      problems.push(`${name}=${JSON.stringify(raw)} must be an integer from ${min} to ${max}`);
      return fallback;
    }
    return Number(raw);
  };
  const bool = (name: string, fallback: boolean): boolean => {
    const raw = str(name);
    if (raw === undefined) return fallback;
    if (/^(1|true|yes|on)$/i.test(raw)) return true;
    if (/^(0|false|no|off)$/i.test(raw)) return false;
    problems.push(`${name}=${JSON.stringify(raw)} must be true or false`);
    return fallback;
  };

  const databaseUrl = str('DATABASE_URL');
  if (databaseUrl !== undefined && !/^postgres(ql)?:\/\//.test(databaseUrl)) {
    problems.push('DATABASE_URL must be a postgres:// or postgresql:// URL');
  }

  const logLevel = (str('LOG_LEVEL') ?? 'info').toLowerCase();
  if (!(LOG_LEVELS as readonly string[]).includes(logLevel)) {
    problems.push(`LOG_LEVEL=${JSON.stringify(logLevel)} must be one of ${LOG_LEVELS.join(', ')}`);
  }

  const today = str('TODAY');
  if (today !== undefined && !isCalendarDate(today)) {
    problems.push(`TODAY=${JSON.stringify(today)} must be a calendar date YYYY-MM-DD`);
  }

  const timeZone = str('TIME_ZONE') ?? 'Asia/Ho_Chi_Minh';
  try {
    new Intl.DateTimeFormat('en-CA', { timeZone });
  } catch {
    problems.push(`TIME_ZONE=${JSON.stringify(timeZone)} is not a known IANA time zone`);
  }

  const anonymousRole = str('ANONYMOUS_ROLE');
  if (anonymousRole !== undefined && anonymousRole !== 'PUBLIC') problems.push(`ANONYMOUS_ROLE=${JSON.stringify(anonymousRole)} must be PUBLIC (or unset)`);
  const bootstrapToken = str('BOOTSTRAP_TOKEN');
  if (bootstrapToken !== undefined && !/^dh_[A-Za-z0-9_-]{43}$/.test(bootstrapToken)) {
    problems.push('BOOTSTRAP_TOKEN must be "dh_" followed by 43 base64url characters (make one with: npm run token -- new)');
  }

  const redisUrl = str('REDIS_URL');
  if (redisUrl !== undefined && !/^rediss?:\/\//.test(redisUrl)) problems.push('REDIS_URL must be a redis:// or rediss:// URL');
  const limits: LimitsConfig = {
    maxDepth: int('MAX_QUERY_DEPTH', DEFAULT_LIMITS.maxDepth, 2, 100),
    maxAliases: int('MAX_QUERY_ALIASES', DEFAULT_LIMITS.maxAliases, 0, 10_000),
    maxTokens: int('MAX_QUERY_TOKENS', DEFAULT_LIMITS.maxTokens, 100, 1_000_000),
    maxDirectives: int('MAX_QUERY_DIRECTIVES', DEFAULT_LIMITS.maxDirectives, 0, 10_000),
    maxCostPerQuery: int('COST_MAX_PER_QUERY', DEFAULT_LIMITS.maxCostPerQuery, 1, 1_000_000_000),
    costBudgetPerMinute: int('COST_BUDGET_PER_MINUTE', DEFAULT_LIMITS.costBudgetPerMinute, 1, 1_000_000_000),
    maxConcurrentStatements: int('SQL_MAX_CONCURRENT_PER_REQUEST', DEFAULT_LIMITS.maxConcurrentStatements, 1, 200),
    maxConcurrentStatementsPerPrincipal: int('SQL_MAX_CONCURRENT_PER_PRINCIPAL', DEFAULT_LIMITS.maxConcurrentStatementsPerPrincipal, 1, 200),
    maxConcurrentPastDateStatements: int('SQL_MAX_CONCURRENT_PAST_DATE', DEFAULT_LIMITS.maxConcurrentPastDateStatements, 0, 200),
    statementTimeoutMs: int('STATEMENT_TIMEOUT_MS', DEFAULT_LIMITS.statementTimeoutMs, 0, 3_600_000),
    parallelWorkersPerStatement: int('SQL_PARALLEL_WORKERS', DEFAULT_LIMITS.parallelWorkersPerStatement, -1, 64),
    redisUrl,
    redisKeyPrefix: DEFAULT_LIMITS.redisKeyPrefix,
    liveMaxConnections: int('LIVE_MAX_CONNECTIONS', DEFAULT_LIMITS.liveMaxConnections, 1, 1_000_000),
    liveMaxConnectionsPerIp: int('LIVE_MAX_CONNECTIONS_PER_IP', DEFAULT_LIMITS.liveMaxConnectionsPerIp, 0, 1_000_000),
    liveMaxConnectionsPerPrincipal: int('LIVE_MAX_CONNECTIONS_PER_PRINCIPAL', DEFAULT_LIMITS.liveMaxConnectionsPerPrincipal, 1, 1_000_000),
    liveMaxSubscriptionsPerConnection: int('LIVE_MAX_SUBSCRIPTIONS_PER_CONNECTION', DEFAULT_LIMITS.liveMaxSubscriptionsPerConnection, 1, 1000),
    liveConnectionInitTimeoutMs: int('LIVE_CONNECTION_INIT_TIMEOUT_MS', DEFAULT_LIMITS.liveConnectionInitTimeoutMs, 100, 60_000),
    liveKeepAliveMs: int('LIVE_KEEPALIVE_MS', DEFAULT_LIMITS.liveKeepAliveMs, 100, 600_000),
    liveMaxBufferedKb: int('LIVE_MAX_BUFFERED_KB', DEFAULT_LIMITS.liveMaxBufferedKb, 16, 1_048_576),
  };
  if (limits.costBudgetPerMinute < limits.maxCostPerQuery) {
    problems.push(`COST_BUDGET_PER_MINUTE (${limits.costBudgetPerMinute}) must be at least COST_MAX_PER_QUERY (${limits.maxCostPerQuery})`);
  }

  const production = (str('NODE_ENV') ?? '') === 'production';
  const config: Config = {
    port: int('PORT', 4000, 0, 65535),
    host: str('HOST') ?? '0.0.0.0',
    databaseUrl,
    dataDir: path.resolve(str('DATA_DIR') ?? './.data'),
    embeddedPgPort: int('EMBEDDED_PG_PORT', 54329, 1024, 65535),
    logLevel: logLevel as LogLevel,
    today,
    timeZone,
    seedDemo: bool('SEED_DEMO', true),
    sqlStatementHeader: bool('SQL_STATEMENT_HEADER', false),
    introspection: bool('INTROSPECTION', !production),
    dbPoolMax: int('DB_POOL_MAX', 10, 1, 200),
    dbAcquireTimeoutMs: int('DB_ACQUIRE_TIMEOUT_MS', 10_000, 100, 600_000),
    anonymousRole: anonymousRole === 'PUBLIC' ? 'PUBLIC' : null,
    bootstrapToken,
    slowRequestMs: int('SLOW_REQUEST_MS', 1000, 0, 3_600_000),
    metricsPublic: bool('METRICS_PUBLIC', false),
    limits,
    responseCacheMb: int('RESPONSE_CACHE_MB', 64, 0, 4096),
  };
  if (problems.length) throw new ConfigError(problems);
  return config;
}

export function isCalendarDate(value: string): boolean {
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(value);
  if (!m) return false;
  const d = new Date(Date.UTC(+m[1], +m[2] - 1, +m[3]));
  return d.getUTCFullYear() === +m[1] && d.getUTCMonth() === +m[2] - 1 && d.getUTCDate() === +m[3];
}
