import { Client, type Notification } from 'pg';
import type { Logger } from '../common/log';
import { CHANGES_CHANNEL, type ChangeNotification } from './live.notify';

/** The `application_name` of the listening connection (to recognise it in pg_stat_activity). */
export const LISTENER_APPLICATION_NAME = 'daihoi-live-listener';

export interface ChangeListenerOptions {
  connectionString: string;
  logger: Logger;
  onNotification(n: ChangeNotification, at: Date): void;
  /** LISTENing again after the connection was lost (or after failed attempts): notifications may have been missed. */
  onReconnect(): void;
  /** Backoff between attempts: from `minDelayMs`, doubling, up to `maxDelayMs` (each with ±25% jitter). */
  minDelayMs?: number;
  maxDelayMs?: number;
  /**
   * How long a connection must last before the backoff starts again from `minDelayMs` (default 30 s). A connection the
   * database drops sooner counts as one more failure: a database that accepts and then drops the listener over and
   * over (a failover, a connection limit, a pooler) is retried ever more slowly, not every `minDelayMs` — each
   * reconnection refreshes every subscription and re-checks every token.
   */
  stableMs?: number;
}

/** A notification's payload, or null when it is not one of ours. */
export function parseNotification(payload: string | undefined): ChangeNotification | null {
  if (!payload) return null;
  try {
    const n = JSON.parse(payload) as Partial<ChangeNotification>;
    if (!n || typeof n !== 'object' || typeof n.operation !== 'string' || !Array.isArray(n.organizations)) return null;
    return { operation: n.operation, version: String(n.version ?? ''), organizations: n.organizations.filter((id) => typeof id === 'string'), ...(n.truncated ? { truncated: true } : {}) };
  } catch {
    return null;
  }
}

/**
 * One dedicated connection per process (not from the ORM's pool) that LISTENs on the change channel
 * (src/live/live.notify.ts): every instance behind a load balancer listens for itself, so each hears every committed
 * write. When the database drops the connection it reconnects with backoff, logs it, and — once LISTENing again —
 * calls `onReconnect` (what was committed meanwhile was not heard).
 */
export class ChangeListener {
  private client: Client | null = null;
  private closing = false;
  private timer: NodeJS.Timeout | null = null;
  private failures = 0;
  private missed = false;
  private stableTimer: NodeJS.Timeout | null = null;
  private readonly minDelay: number;
  private readonly maxDelay: number;
  private readonly stableMs: number;
  /** The listening connection's backend pid (null while disconnected). */
  pid: number | null = null;

  constructor(private readonly opts: ChangeListenerOptions) {
    this.minDelay = opts.minDelayMs ?? 200;
    this.maxDelay = opts.maxDelayMs ?? 10_000;
    this.stableMs = opts.stableMs ?? 30_000;
  }

  get connected(): boolean {
    return this.client !== null;
  }

  /** Connects and LISTENs; on failure it logs and keeps trying in the background (it resolves either way). */
  start(): Promise<void> {
    return this.attempt();
  }

  async close(): Promise<void> {
    this.closing = true;
    if (this.timer) clearTimeout(this.timer);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.timer = null;
    this.stableTimer = null;
    const client = this.client;
    this.client = null;
    this.pid = null;
    await client?.end().catch(() => undefined);
    await this.connecting; // an attempt under way ends its own connection once it sees `closing`
  }

  private connecting: Promise<void> | null = null;

  private attempt(): Promise<void> {
    this.timer = null;
    const connecting = this.connect().finally(() => {
      if (this.connecting === connecting) this.connecting = null;
    });
    this.connecting = connecting;
    return connecting;
  }

  private async connect(): Promise<void> {
    if (this.closing) return;
    const client = new Client({ connectionString: this.opts.connectionString, application_name: LISTENER_APPLICATION_NAME, keepAlive: true, connectionTimeoutMillis: 5000 });
    client.on('error', (err) => this.lost(client, err));
    client.on('end', () => this.lost(client));
    client.on('notification', (msg: Notification) => {
      if (msg.channel !== CHANGES_CHANNEL) return;
      const n = parseNotification(msg.payload);
      if (n) this.opts.onNotification(n, new Date());
      else this.opts.logger.warn({ channel: msg.channel }, 'live updates: ignored a notification that is not a change payload');
    });
    let pid: number;
    try {
      await client.connect();
      await client.query(`listen ${CHANGES_CHANNEL}`);
      pid = (await client.query<{ pid: number }>('select pg_backend_pid() as pid')).rows[0].pid;
    } catch (err) {
      client.removeAllListeners('end');
      client.on('error', () => undefined);
      void client.end().catch(() => undefined);
      if (this.closing) return;
      this.failures++;
      this.missed = true;
      const delay = this.delay();
      this.opts.logger.warn({ err: describe(err), attempt: this.failures, retryInMs: delay }, 'live updates: cannot LISTEN for changes; retrying');
      this.timer = setTimeout(() => void this.attempt(), delay);
      this.timer.unref();
      return;
    }
    if (this.closing) {
      await client.end().catch(() => undefined);
      return;
    }
    this.client = client;
    this.pid = pid;
    if (this.missed) {
      this.opts.logger.info({ attempts: this.failures + 1 }, 'live updates: listening for changes again; every subscription is refreshed');
      this.opts.onReconnect();
    }
    this.missed = false;
    // The backoff starts afresh only once this connection has lasted (see `stableMs`).
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = setTimeout(() => {
      this.stableTimer = null;
      if (this.client === client) this.failures = 0;
    }, this.stableMs);
    this.stableTimer.unref();
  }

  private lost(client: Client, err?: unknown): void {
    if (client !== this.client) return;
    this.client = null;
    this.pid = null;
    client.removeAllListeners('notification');
    client.on('error', () => undefined);
    void client.end().catch(() => undefined);
    if (this.stableTimer) clearTimeout(this.stableTimer);
    this.stableTimer = null;
    if (this.closing) return;
    this.missed = true;
    // A connection lost before it was stable is one more failure: the next delay doubles.
    const delay = this.delay();
    this.failures++;
    this.opts.logger.warn({ err: err ? describe(err) : 'connection ended', retryInMs: delay }, 'live updates: lost the connection listening for changes; reconnecting');
    this.timer = setTimeout(() => void this.attempt(), delay);
    this.timer.unref();
  }

  private delay(): number {
    const base = Math.min(this.maxDelay, this.minDelay * 2 ** Math.min(this.failures, 20));
    return Math.round(base * (0.75 + Math.random() * 0.5));
  }
}

function describe(err: unknown): string {
  if (err instanceof Error) return `${(err as { code?: string }).code ?? err.name}: ${err.message}`;
  return String(err);
}
