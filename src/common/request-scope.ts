import { AsyncLocalStorage } from 'node:async_hooks';
import type { Logger } from './log';

/**
 * What the server tracks per request without threading it through every call: its id, its logger (a child carrying
 * the id), its SQL statements, and the first database-outage error it met (reported once per request).
 */
export interface RequestScope {
  requestId: string;
  logger: Logger;
  statements: number;
  outage?: unknown;
  /** The caller's address (the budget's key for anonymous callers: src/server/limits.budget.ts). */
  clientIp?: string;
  /** Turns for the request's statements outside a transaction (src/server/limits.plugin.ts sets it; none: no cap). */
  statementSlots?: StatementSlots;
  /** When the HTTP request arrived (`performance.now()`): its duration for the metrics and the slow-request log. */
  startedAt?: number;
  /** The operation's cost once computed (src/server/limits.plugin.ts); `spent`: taken from the caller's budget. */
  cost?: { requested: number; spent: boolean };
  /** The client closed its connection before the response was sent (src/server/app.ts): its statements are not run. */
  clientGone?: () => boolean;
}

/** The outcome of a request whose client left before it ran a statement (never seen by a client; counted in /metrics). */
export const CLIENT_CLOSED = 'CLIENT_CLOSED';

/** Thrown instead of running a statement for a client that has gone: the work it waited its turn for is of no use. */
export class ClientGone extends Error {
  constructor() {
    super('The client closed its connection: the request was abandoned before its next statement.');
    this.name = 'ClientGone';
  }
}

export const requestScope = new AsyncLocalStorage<RequestScope>();

/** Called for every statement sent to PostgreSQL (at the driver, via knex's `query` event). */
export function countStatement(): void {
  const scope = requestScope.getStore();
  if (scope) scope.statements++;
}

/**
 * At most `max` statements of one request run at once; the others wait their turn, in order, before asking the pool for
 * a connection — so one request's DataLoader batches cannot take every pooled connection.
 */
/** Something statements take turns on. */
export interface Turns {
  run<T>(statement: () => Promise<T>): Promise<T>;
}

export class StatementSlots implements Turns {
  private running = 0;
  private readonly waiting: (() => void)[] = [];
  /** `outer`: turns shared with other requests (the principal's), taken after this request's own. */
  constructor(
    readonly max: number,
    private readonly outer?: Turns,
  ) {}

  /** Nothing running or waiting. */
  get idle(): boolean {
    return this.running === 0 && this.waiting.length === 0;
  }

  async run<T>(statement: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) await new Promise<void>((resolve) => this.waiting.push(resolve));
    else this.running++;
    try {
      return await (this.outer ? this.outer.run(statement) : statement());
    } finally {
      const next = this.waiting.shift();
      if (next) next(); // the turn passes on: `running` stays the same
      else this.running--;
    }
  }
}

/**
 * Turns shared by every principal, given out in rounds: when one frees, it goes to the principal that has waited
 * since the last round, not to whoever queued most. So a client with many requests waiting gets one turn per round,
 * like a client with one.
 */
export class FairTurns {
  private running = 0;
  /** Waiting principals in round order, each with its waiters in arrival order. */
  private readonly waiting = new Map<string, (() => void)[]>();
  /** Waiters of every key together. */
  private count = 0;
  constructor(readonly max: number) {}

  async run<T>(key: string, statement: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      await new Promise<void>((resolve) => {
        this.count++;
        const queue = this.waiting.get(key);
        if (queue) queue.push(resolve);
        else this.waiting.set(key, [resolve]);
      });
    } else this.running++;
    try {
      return await statement();
    } finally {
      this.passOn(key);
    }
  }

  /** `done`: the key whose turn just ended; it goes after every other key waiting. */
  private passOn(done: string): void {
    const own = this.waiting.get(done);
    if (own && this.waiting.size > 1) {
      this.waiting.delete(done);
      this.waiting.set(done, own);
    }
    const first = this.waiting.entries().next();
    if (first.done) {
      this.running--;
      return;
    }
    const [key, queue] = first.value;
    const next = queue.shift()!;
    this.count--;
    this.waiting.delete(key); // served this round: to the back of the next one, if it still waits
    if (queue.length) this.waiting.set(key, queue);
    next(); // the turn passes on: `running` stays the same
  }

  /** Statements waiting for a turn, of every principal. */
  get queued(): number {
    return this.count;
  }
}

/** What a request's statements are: ordinary, or past-date roll-ups (the costly kind, which take the past-date lane too). */
export type Lane = 'ordinary' | 'past';

/**
 * Slots per principal (its budget key): however many requests one client sends at once, its statements outside
 * transactions hold at most `max` pooled connections together, so the others always find some. An entry lives while
 * it is in use. Requests that read roll-ups on a past date (each may make PostgreSQL work for seconds on a large tree)
 * also take turns, before their principal's, in one lane for the whole process with `pastMax` turns (0: no lane),
 * shared fairly between principals (FairTurns): however many clients ask for the past, they keep at most `pastMax`
 * of the database's cores busy with it, and today's reads and the writes have the rest.
 */
export class PrincipalSlots {
  private readonly slots = new Map<string, StatementSlots>();
  private readonly past: FairTurns | null;
  constructor(
    readonly max: number,
    pastMax = 0,
  ) {
    this.past = pastMax > 0 ? new FairTurns(pastMax) : null;
  }

  /** The slots of a request of principal `key`: its own `perRequest`, within the principal's (and the past-date lane's). */
  forRequest(key: string, perRequest: number, lane: Lane = 'ordinary'): StatementSlots {
    const past = lane === 'past' ? this.past : null;
    // The lane first, then the principal's turn: a statement waiting in the lane holds none of its principal's turns,
    // so the principal's reads of today go on meanwhile.
    return new StatementSlots(perRequest, {
      run: (statement) => (past ? past.run(key, () => this.run(key, statement)) : this.run(key, statement)),
    });
  }

  private async run<T>(key: string, statement: () => Promise<T>): Promise<T> {
    let shared = this.slots.get(key);
    if (!shared) this.slots.set(key, (shared = new StatementSlots(this.max)));
    try {
      return await shared.run(statement);
    } finally {
      if (shared.idle && this.slots.get(key) === shared) this.slots.delete(key);
    }
  }

  get size(): number {
    return this.slots.size;
  }

  /** Statements waiting for a turn in the past-date lane. */
  get pastQueued(): number {
    return this.past?.queued ?? 0;
  }
}

/**
 * Runs a statement of the current request in its turn (see StatementSlots), unless its client has gone by then. A statement inside a transaction does not
 * wait: its transaction already holds its connection, and making it queue behind the request's reads (which may be
 * waiting for a connection) could deadlock the request against itself.
 */
export function inStatementSlot<T>(inTransaction: boolean, statement: () => Promise<T>): Promise<T> {
  const scope = requestScope.getStore();
  const slots = inTransaction ? undefined : scope?.statementSlots;
  if (!slots) return statement();
  // A turn may come long after it was asked for (the past-date lane): a request whose client has gone meanwhile stops
  // there instead of making PostgreSQL work for nobody.
  return slots.run(() => (scope?.clientGone?.() ? Promise.reject(new ClientGone()) : statement()));
}
