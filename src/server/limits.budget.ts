import Redis from 'ioredis';
import { RateLimiterMemory, RateLimiterRedis, RateLimiterRes, type RateLimiterAbstract } from 'rate-limiter-flexible';
import type { Viewer } from '../common/kernel';
import type { Logger } from '../common/log';

/** The budget's window: cost is counted per principal over fixed windows of this length, from its first request. */
export const BUDGET_WINDOW_SECONDS = 60;

/** How long a budget command may take in Redis before the in-memory insurance answers instead. */
export const COMMAND_TIMEOUT_MS = 250;

/** What spending left: the points still there in the window and when the window starts afresh. */
export interface Spent {
  granted: boolean;
  /** Points left in the window (0 when refused). */
  remaining: number;
  resetAt: Date;
}

export interface CostBudget {
  readonly perMinute: number;
  /** Spends `points` from `key`'s window. Refused (granted false) when the window has fewer left. */
  spend(key: string, points: number): Promise<Spent>;
  /**
   * When a spend of `key` was refused in its current window (on this instance): the window's end, else null. Lets a
   * client that keeps asking be refused before its request is even parsed.
   */
  refusedUntil(key: string): Date | null;
  close(): Promise<void>;
}

/** Whose budget a request spends: the principal's, or for a caller without one, its address's. */
export function budgetKey(viewer: Viewer, clientIp: string | undefined): string {
  return viewer.id ? `principal:${viewer.id}` : `anonymous:${clientIp ?? 'unknown'}`;
}

/**
 * A budget of cost per minute per key (rate-limiter-flexible): in Redis when `redisUrl` is set — shared by every
 * instance — else in this process's memory. When Redis cannot answer (down, or slower than COMMAND_TIMEOUT_MS) the
 * request is not failed: an in-memory limiter of the same budget stands in (rate-limiter-flexible's insurance
 * limiter), so each instance then counts on its own until Redis is back.
 */
export function createBudget(opts: { perMinute: number; redisUrl?: string; keyPrefix: string; logger: Logger }): CostBudget {
  const memory = new RateLimiterMemory({ points: opts.perMinute, duration: BUDGET_WINDOW_SECONDS, keyPrefix: opts.keyPrefix });
  let limiter: RateLimiterAbstract = memory;
  let redis: Redis | undefined;
  if (opts.redisUrl) {
    redis = new Redis(opts.redisUrl, {
      // Fail fast while disconnected (the insurance limiter answers) instead of queueing commands until reconnected.
      enableOfflineQueue: false,
      maxRetriesPerRequest: 0,
      commandTimeout: COMMAND_TIMEOUT_MS,
      connectTimeout: 2000,
      retryStrategy: (attempt) => Math.min(attempt * 200, 5000),
    });
    let down = false;
    redis.on('error', (err) => {
      if (down) return;
      down = true;
      opts.logger.warn({ err: { message: err.message } }, 'Redis unavailable: the cost budget is counted in memory until it is back');
    });
    redis.on('ready', () => {
      if (down) opts.logger.info('Redis is back: the cost budget is shared again');
      down = false;
    });
    limiter = new RateLimiterRedis({
      storeClient: redis,
      points: opts.perMinute,
      duration: BUDGET_WINDOW_SECONDS,
      keyPrefix: opts.keyPrefix,
      rejectIfRedisNotReady: true,
      insuranceLimiter: new RateLimiterMemory({ points: opts.perMinute, duration: BUDGET_WINDOW_SECONDS, keyPrefix: `${opts.keyPrefix}:insurance` }),
    });
  }

  const spent = (res: RateLimiterRes, granted: boolean): Spent => ({
    granted,
    remaining: granted ? res.remainingPoints : 0,
    resetAt: new Date(Date.now() + res.msBeforeNext),
  });
  /** Keys refused in their current window, with its end (pruned as windows end). */
  const refused = new Map<string, number>();
  const prune = (now: number) => {
    for (const [key, until] of refused) if (until <= now) refused.delete(key);
  };

  return {
    perMinute: opts.perMinute,
    async spend(key, points) {
      try {
        return spent(await limiter.consume(key, points), true);
      } catch (err) {
        if (err instanceof RateLimiterRes) {
          const result = spent(err, false);
          if (refused.size >= 10_000) prune(Date.now());
          refused.set(key, result.resetAt.getTime());
          return result;
        }
        // Both stores failed (should not happen: the insurance limiter is in memory). Never fail the request for it.
        opts.logger.error({ err }, 'cost budget unavailable: request let through');
        return { granted: true, remaining: opts.perMinute, resetAt: new Date(Date.now() + BUDGET_WINDOW_SECONDS * 1000) };
      }
    },
    refusedUntil(key) {
      const until = refused.get(key);
      if (until === undefined) return null;
      if (until > Date.now()) return new Date(until);
      refused.delete(key);
      return null;
    },
    async close() {
      if (redis) redis.disconnect();
    },
  };
}
