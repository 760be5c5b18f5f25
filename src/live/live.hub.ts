import type { ChangeNotification } from './live.notify';
import { RESYNC_OPERATION, type LiveMarker, type LiveSource } from './live.types';

/**
 * Which of the `subscribed` organisations may have changed when a truncated notification lists `listed`: those at or
 * under one of them, and their ancestors (src/server/live.server.ts asks the database).
 */
export type RelatedFn = (subscribed: string[], listed: string[]) => Promise<Set<string>>;

/**
 * One subscription's source: an async iterator of markers ("the subtree may have changed") with at most one pending.
 * While the subscriber is busy (its event being computed or sent) further notifications only overwrite the pending
 * marker with the latest operation: memory stays bounded however slow the subscriber, and what it receives next is
 * computed when it is delivered, from the state as it is then.
 */
export class LiveSubscription implements AsyncIterableIterator<LiveMarker> {
  private pending: LiveMarker | null = null;
  private waiter: ((result: IteratorResult<LiveMarker>) => void) | null = null;
  private ended = false;

  constructor(
    readonly under: string,
    private readonly onEnd: (s: LiveSubscription) => void,
  ) {}

  /** Markers waiting to be taken: 0 or 1. */
  get pendingEvents(): number {
    return this.pending ? 1 : 0;
  }

  get closed(): boolean {
    return this.ended;
  }

  /** Something in the subtree may have changed (the latest operation wins). */
  mark(operation: string, at: Date): void {
    if (this.ended) return;
    const marker = { under: this.under, operation, at };
    if (this.waiter) {
      const resolve = this.waiter;
      this.waiter = null;
      resolve({ value: marker, done: false });
    } else {
      this.pending = marker;
    }
  }

  /** The pending marker, taken without waiting (null: none). */
  take(): LiveMarker | null {
    const value = this.pending;
    this.pending = null;
    return value;
  }

  next(): Promise<IteratorResult<LiveMarker>> {
    if (this.ended) return Promise.resolve({ value: undefined, done: true });
    if (this.pending) {
      const value = this.pending;
      this.pending = null;
      return Promise.resolve({ value, done: false });
    }
    if (this.waiter) return Promise.reject(new Error('LiveSubscription: next() called again before the previous one settled'));
    return new Promise((resolve) => (this.waiter = resolve));
  }

  return(): Promise<IteratorResult<LiveMarker>> {
    this.end();
    return Promise.resolve({ value: undefined, done: true });
  }

  throw(err: unknown): Promise<IteratorResult<LiveMarker>> {
    this.end();
    return Promise.reject(err);
  }

  [Symbol.asyncIterator](): AsyncIterableIterator<LiveMarker> {
    return this;
  }

  /** Ends it: a waiting `next()` settles as done; nothing is delivered any more. */
  end(): void {
    if (this.ended) return;
    this.ended = true;
    this.pending = null;
    const resolve = this.waiter;
    this.waiter = null;
    resolve?.({ value: undefined, done: true });
    this.onEnd(this);
  }
}

/**
 * The process's subscriptions by organisation, fed with the change notifications (src/live/live.listener.ts). A
 * subscription on X is marked when X is listed; for a truncated notification, when X is at or under a listed
 * organisation or above one (`related`), or when none is listed (anything may have changed). Notifications are applied
 * in the order they arrived.
 */
export class LiveHub implements LiveSource {
  private readonly byUnder = new Map<string, Set<LiveSubscription>>();
  private chain: Promise<void> = Promise.resolve();
  private gen = 0;
  private count = 0;
  private closed = false;

  constructor(
    private readonly opts: {
      related: RelatedFn;
      /** `related` failed: every subscription is marked instead (never miss one). */
      onError?: (err: unknown) => void;
    },
  ) {}

  /** A subscription to `under`'s subtree; once the hub is closed, one that has already ended (nothing is kept). */
  subscribe(under: string): LiveSubscription {
    const s = new LiveSubscription(under, (ended) => this.remove(ended));
    if (this.closed) {
      s.end();
      return s;
    }
    let set = this.byUnder.get(under);
    if (!set) this.byUnder.set(under, (set = new Set()));
    set.add(s);
    this.count++;
    return s;
  }

  /** Open subscriptions. */
  get size(): number {
    return this.count;
  }

  /** Organisations with an open subscription (an entry is dropped with its last subscription). */
  get organizations(): number {
    return this.byUnder.size;
  }

  /**
   * Raised by every notification, before the subscriptions it concerns are marked: what was read at an earlier
   * generation may be stale (src/server/live.server.ts shares reads within one generation).
   */
  get generation(): number {
    return this.gen;
  }

  /** Applies one notification (after those that came before it); resolves once its subscriptions are marked. */
  publish(n: ChangeNotification, at: Date = new Date()): Promise<void> {
    const applied = this.chain.then(() => this.apply(n, at));
    this.chain = applied.catch(() => undefined);
    return applied;
  }

  /** Notifications may have been missed: every subscription is marked (operation RESYNC_OPERATION). */
  resync(at: Date = new Date()): Promise<void> {
    return this.publish({ operation: RESYNC_OPERATION, version: '', organizations: [], truncated: true }, at);
  }

  /** Ends every subscription, and every one asked for later (a subscribe step still running at shutdown). */
  close(): void {
    this.closed = true;
    for (const set of [...this.byUnder.values()]) for (const s of [...set]) s.end();
  }

  private async apply(n: ChangeNotification, at: Date): Promise<void> {
    this.gen++;
    const listed = Array.isArray(n.organizations) ? n.organizations.filter((id) => typeof id === 'string') : [];
    let hit: Iterable<string>;
    if (!n.truncated) hit = listed;
    else if (listed.length === 0) hit = [...this.byUnder.keys()];
    else {
      const subscribed = [...this.byUnder.keys()];
      if (subscribed.length === 0) return;
      try {
        hit = new Set([...listed, ...(await this.opts.related(subscribed, listed))]);
      } catch (err) {
        this.opts.onError?.(err);
        hit = subscribed;
      }
    }
    for (const id of hit) for (const s of this.byUnder.get(id) ?? []) s.mark(n.operation, at);
  }

  private remove(s: LiveSubscription): void {
    const set = this.byUnder.get(s.under);
    if (!set?.delete(s)) return;
    this.count--;
    if (set.size === 0) this.byUnder.delete(s.under);
  }
}
