import type { Duplex } from 'node:stream';
import { GraphQLError, type DocumentNode, type GraphQLSchema, type OperationDefinitionNode } from 'graphql';
import type { WebSocket } from 'ws';
import type { Lane } from '../common/request-scope';
import { estimate, refusalOf } from './limits.cost';

/**
 * What one WebSocket client may hold of the server (src/server/live.server.ts applies them; the numbers are LimitsConfig's
 * LIVE_* settings, src/config.ts):
 * - sockets in total and per peer address, counted from the upgrade, before authentication — refused at the HTTP
 *   upgrade with 503 (the instance is full) or 429 (that address is), so an unauthenticated flood costs no more than
 *   its handshakes;
 * - authenticated connections per principal (per address for anonymous ones): the next one is closed 1013;
 * - bytes queued for a peer that does not read: past the cap the connection is closed 1013 and dropped;
 * - each subscription is priced like a query (src/server/limits.cost.ts): refused over COST_MAX_PER_QUERY, and its cost
 *   spent from the principal's budget when it subscribes and again for every event sent.
 */

/** Open sockets: in total and per peer address. */
export class SocketCounts {
  private readonly byIp = new Map<string, number>();
  total = 0;

  /** Why a new socket from `ip` is refused, or null. `perIp` 0: no cap per address. */
  refusal(ip: string, maxTotal: number, perIp: number): { status: 503 | 429; message: string } | null {
    if (this.total >= maxTotal) return { status: 503, message: `This instance holds its maximum of ${maxTotal} live connections; retry later.` };
    if (perIp > 0 && (this.byIp.get(ip) ?? 0) >= perIp) return { status: 429, message: `At most ${perIp} live connections per address.` };
    return null;
  }

  /** One more socket from `ip`; the returned function forgets it (once). */
  add(ip: string): () => void {
    this.total++;
    this.byIp.set(ip, (this.byIp.get(ip) ?? 0) + 1);
    let done = false;
    return () => {
      if (done) return;
      done = true;
      this.total--;
      const n = (this.byIp.get(ip) ?? 1) - 1;
      if (n > 0) this.byIp.set(ip, n);
      else this.byIp.delete(ip);
    };
  }

  /** Addresses with an open socket (for tests: nothing is kept once they close). */
  get addresses(): number {
    return this.byIp.size;
  }
}

/** Counts per key (a principal's budget key), forgetting a key at zero. */
export class KeyCounts {
  private readonly counts = new Map<string, number>();
  get(key: string): number {
    return this.counts.get(key) ?? 0;
  }
  add(key: string, delta: 1 | -1): void {
    const n = this.get(key) + delta;
    if (n > 0) this.counts.set(key, n);
    else this.counts.delete(key);
  }
  get size(): number {
    return this.counts.size;
  }
}

const STATUS_TEXT = { 404: 'Not Found', 429: 'Too Many Requests', 503: 'Service Unavailable' } as const;

/** Answers an upgrade request with a plain HTTP error and closes the socket (no WebSocket is made). */
export function refuseUpgrade(socket: Duplex, status: keyof typeof STATUS_TEXT, message = '', retryAfterSeconds?: number): void {
  socket.on('error', () => undefined); // a peer gone already: nothing to report
  const body = Buffer.from(message, 'utf8');
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_TEXT[status]}\r\nConnection: close\r\n` +
      (retryAfterSeconds ? `Retry-After: ${retryAfterSeconds}\r\n` : '') +
      `Content-Type: text/plain; charset=utf-8\r\nContent-Length: ${body.length}\r\n\r\n` +
      message,
  );
}

/**
 * Bounds what is queued for a peer that does not read. graphql-ws sends an event only once the previous one of the same
 * subscription has been handed to the OS, and coalesces the rest (src/live/live.hub.ts), but what a client makes the
 * server answer — pongs echoing its pings' payloads, errors of refused subscriptions — would pile up in the socket's
 * buffer without end. Every send first looks at the socket's `bufferedAmount`: past `maxBytes` the message is dropped,
 * `onSlow` is told, and the connection is closed 1013 (Try Again Later) and dropped a second later (a peer that does not
 * read would never see the close frame).
 */
export function guardBackpressure(socket: WebSocket, maxBytes: number, onSlow: () => void): void {
  const send = socket.send.bind(socket) as (data: unknown, options?: unknown, cb?: (err?: Error) => void) => void;
  let slow = false;
  const guarded = (data: unknown, options?: unknown, cb?: (err?: Error) => void) => {
    const callback = typeof options === 'function' ? (options as (err?: Error) => void) : cb;
    if (slow || (socket.readyState === socket.OPEN && socket.bufferedAmount > maxBytes)) {
      if (!slow) {
        slow = true;
        onSlow();
        socket.close(CLOSE_TRY_AGAIN_LATER, 'Slow consumer: too much data waiting to be read');
        setTimeout(() => socket.terminate(), 1000).unref();
      }
      callback?.(); // the message is dropped: whoever awaits it moves on (and finds the socket closed)
      return;
    }
    send(data, options, cb);
  };
  socket.send = guarded as WebSocket['send'];
}

/** RFC 6455's Try Again Later: graphql-ws's client retries it (with backoff). */
export const CLOSE_TRY_AGAIN_LATER = 1013;

/**
 * A subscription's cost (src/server/limits.cost.ts, the HTTP API's model) and whether its events read roll-ups on a
 * past date (their statements then take the past-date lane), or the error refusing it: `first` out of range
 * (BAD_USER_INPUT), more fields than the cost walk expands or over `maxCost` (QUERY_TOO_COMPLEX). Variables that do not
 * coerce cost 1: the subscribe step reports them without reading anything.
 */
export function subscriptionCost(
  schema: GraphQLSchema,
  document: DocumentNode,
  operation: OperationDefinitionNode,
  variables: Record<string, unknown> | undefined,
  today: string,
  maxCost: number,
): { requested: number; lane: Lane } | GraphQLError {
  const e = estimate(schema, document, operation, variables ?? undefined, today);
  return refusalOf(e, maxCost, 'subscription') ?? { requested: Math.max(1, e.requested ?? 1), lane: e.pastDate ? 'past' : 'ordinary' };
}
