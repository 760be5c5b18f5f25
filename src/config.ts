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
}

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
    if (!/^\d+$/.test(raw) || Number(raw) < min || Number(raw) > max) {
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
