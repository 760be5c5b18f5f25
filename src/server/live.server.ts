import crypto from 'node:crypto';
import type { IncomingMessage, Server } from 'node:http';
import type { Duplex } from 'node:stream';
import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import {
  createSourceEventStream,
  execute,
  getOperationAST,
  GraphQLError,
  parse,
  specifiedRules,
  validate,
  type DocumentNode,
  type ExecutionArgs,
  type ExecutionResult,
  type FormattedExecutionResult,
  type GraphQLFormattedError,
  type GraphQLSchema,
  type ValidationRule,
} from 'graphql';
import type { Context as WsContext } from 'graphql-ws';
import { useServer } from 'graphql-ws/use/ws';
import { WebSocketServer, type WebSocket } from 'ws';
import { authenticate } from '../access/access.authenticate';
import type { LimitsConfig } from '../config';
import { createAccess } from '../access/access.scope';
import type { Access, Loaders } from '../common/context';
import type { Context } from '../common/context';
import { clientError } from '../common/errors';
import type { Kernel, Role, Viewer } from '../common/kernel';
import { requestLogger, type Logger } from '../common/log';
import { PrincipalSlots, requestScope, StatementSlots, type Lane } from '../common/request-scope';
import { sqlOf } from '../common/sql';
import { budgetKey, type CostBudget, type Spent } from './limits.budget';
import { rateLimited } from './limits.plugin';
import { shapeRules } from './limits.validation';
import { describeOutage, unavailableFormatted } from './unavailable';
import { LiveHub, LiveSubscription, type RelatedFn } from '../live/live.hub';
import { ChangeListener } from '../live/live.listener';
import { CLOSE_TRY_AGAIN_LATER, guardBackpressure, KeyCounts, refuseUpgrade, SocketCounts, subscriptionCost } from './live.limits';
import type { LiveContext, LiveMarker, LiveObserver } from '../live/live.types';

/** The path subscriptions are served at: the API's own. */
const LIVE_PATH = '/graphql';
/** Largest message a client may send (the HTTP API's body limit): a larger one closes the connection with 1009. */
const MAX_MESSAGE_BYTES = 256 * 1024;
/** Events computed at once by one instance (the rest wait their turn): a burst never takes the whole pool. */
const MAX_EVENTS_AT_ONCE = 4;
/** Token look-ups at once when every connection's token is re-checked (an access change, a reconnection). */
const MAX_TOKEN_CHECKS_AT_ONCE = 2;
/** How long closing waits for connections to close and events being computed to finish. */
const CLOSE_GRACE_MS = 1000;

/**
 * Close codes (graphql-ws, RFC 6455):
 * - 4401 Unauthorized: no token where one is required, a malformed, unknown, revoked or expired token — at connection,
 *   or later when the token is found revoked (graphql-ws clients do not retry it);
 * - 1013 Try Again Later: the token could not be checked (the database is unreachable), the principal holds its
 *   maximum of connections, or the peer does not read what is sent to it (clients retry);
 * - 1001 Going Away: the server is shutting down (clients retry);
 * - 1009 Message Too Big: a message over MAX_MESSAGE_BYTES;
 * - graphql-ws's own: 4400 (bad message), 4403 (never sent by this server), 4408 (no connection_init in time), ...
 */
const CLOSE_UNAUTHORIZED = 4401;
export { CLOSE_TRY_AGAIN_LATER };

export interface LiveServerDeps {
  schema: GraphQLSchema;
  orm: MikroORM;
  kernel: Kernel;
  /** A request's loaders (src/server/context.ts). */
  createLoaders(em: EntityManager): Loaders;
  /** ANONYMOUS_ROLE: the role of a connection without a token (null: refused, 4401). */
  anonymousRole: Role | null;
  /**
   * The limits for clients (src/config.ts): the HTTP API's shape limits, cost cap and SQL turns apply to subscriptions
   * too; the LIVE_* ones are the WebSocket side's own.
   */
  limits: LimitsConfig;
  /** The HTTP API's cost budget (src/server/limits.budget.ts): subscribing and every event spend from it. */
  budget: CostBudget;
  /**
   * The turns of each principal's statements (SQL_MAX_CONCURRENT_PER_PRINCIPAL), shared with its HTTP requests and
   * exports (src/server/app.ts); default: the live server's own.
   */
  slots?: PrincipalSlots;
  /** The HTTP API's error formatter (src/server/errors.ts): codes, masking, logging. */
  formatError(formatted: GraphQLFormattedError, error: unknown): GraphQLFormattedError;
  logger: Logger;
  today(): string;
  metrics?: LiveObserver;
  /** The database the listener connects to; default: the ORM's. */
  connectionString?: string;
  /** The listener's reconnection backoff (src/live/live.listener.ts). */
  listener?: { minDelayMs?: number; maxDelayMs?: number; stableMs?: number };
  /** An event the database could not be read for is computed again this much later, doubling up to 60 s (default 5 s). */
  outageRetryMs?: number;
}

/** What the live server has done, for tests and logs. */
export interface LiveStats {
  /** Open WebSockets, authenticated or not. */
  sockets: number;
  /** Peer addresses with an open WebSocket. */
  addresses: number;
  /** Principals (budget keys) with an authenticated connection. */
  principals: number;
  /** Token look-ups made to re-check connections (not those at connection). */
  tokenChecks: number;
  /** Upgrades refused: the instance full, an address at its cap; connections closed: a principal at its cap. */
  refused: { instance: number; address: number; principal: number };
  /** Connections closed because their peer did not read. */
  slowConsumers: number;
  /** Events computed (sent or not). */
  events: number;
}

export interface LiveServer {
  hub: LiveHub;
  listener: ChangeListener;
  /** Open WebSocket connections (acknowledged). */
  readonly connections: number;
  readonly stats: Readonly<LiveStats>;
  /**
   * Stops listening for changes and taking connections, closes every connection (1001: clients retry and subscribe
   * again elsewhere; their subscriptions are not completed), ends every subscription, and waits (briefly) for the events
   * being computed, so the database can be closed next.
   */
  close(): Promise<void>;
}

/** One WebSocket connection: who it is, as last checked. */
interface Connection {
  header: string | undefined;
  viewer: Viewer;
  socket: WebSocket;
  /** Whose budget it spends and whose connection cap it counts against (src/server/limits.budget.ts budgetKey). */
  key: string;
}

/** The reads of one batch, shared by the events of viewers with the same scope (role, scope, today). */
type Reads = Pick<Context, 'em' | 'loaders' | 'access'>;

/** The Authorization value of `connectionParams` (`authorization` or `Authorization`); two that differ: malformed. */
function authorizationParam(params: Readonly<Record<string, unknown>> | undefined): string | undefined {
  const values = ['authorization', 'Authorization'].map((k) => params?.[k]).filter((v) => v !== undefined && v !== null);
  if (values.length === 0) return undefined;
  if (values.some((v) => typeof v !== 'string') || new Set(values).size > 1) return 'malformed';
  return values[0] as string;
}

/** A close reason fits 123 bytes. */
function closeReason(text: string): string {
  const buf = Buffer.from(text, 'utf8');
  return buf.length <= 123 ? text : buf.subarray(0, 120).toString('utf8').replace(/\uFFFD$/, '') + '...';
}

const isUnauthenticated = (err: unknown) => err instanceof GraphQLError && err.extensions?.code === 'UNAUTHENTICATED';

/** A formatted error as sent: no `http` (the HTTP layer's status hints). */
function sendable(e: GraphQLFormattedError): GraphQLFormattedError {
  if (!e.extensions || !('http' in e.extensions)) return e;
  const { http: _http, ...extensions } = e.extensions;
  return { ...e, extensions };
}

/** A parse or validation error, marked the way Apollo marks them, so the shared formatter reports them alike. */
const requestError = (e: GraphQLError, code: 'GRAPHQL_PARSE_FAILED' | 'GRAPHQL_VALIDATION_FAILED') =>
  new GraphQLError(e.message, { nodes: e.nodes, source: e.source, positions: e.positions, originalError: e, extensions: { ...e.extensions, code } });

/**
 * Live updates: GraphQL subscriptions over graphql-ws (subprotocol `graphql-transport-ws`) on the HTTP server's own port
 * and path. The token comes in `connectionParams` at connection; each subscription is checked like a query (shape
 * limits, cost, budget, scope, the token afresh); each event spends the subscription's cost from the principal's budget
 * and is executed with a fresh context (reads shared by same-scope subscribers of one batch), after re-checking the
 * token. The events come from the change listener through the hub. What one client may hold (sockets, connections,
 * subscriptions, unread data) is capped: src/server/live.limits.ts.
 */
export async function attachLiveServer(server: Server, deps: LiveServerDeps): Promise<LiveServer> {
  // The server's own lines (not a request's) say where they come from.
  const logger = deps.logger.child({ component: 'live' });
  const { limits, budget } = deps;
  const validationRules: readonly ValidationRule[] = shapeRules(limits);
  const outageRetryMs = deps.outageRetryMs ?? 5000;
  const stats: LiveStats = { sockets: 0, addresses: 0, principals: 0, tokenChecks: 0, refused: { instance: 0, address: 0, principal: 0 }, slowConsumers: 0, events: 0 };
  const related: RelatedFn = async (subscribed, listed) => {
    const rows = await sqlOf(deps.orm.em.fork())<{ id: string }>(
      `select s.id from unnest(?::uuid[]) as s(id)
        where exists (select 1 from organization_placement p where p.organization_id = s.id and p.path && ?::uuid[])
           or exists (select 1 from organization_placement p where p.organization_id = any(?::uuid[]) and s.id = any(p.path))`,
      [subscribed, listed, listed],
    );
    return new Set(rows.map((r) => r.id));
  };
  const hub = new LiveHub({
    related,
    onError: (err) => logger.warn({ err }, 'live updates: could not tell which subscriptions a change concerns; refreshing them all'),
  });
  const connections = new Map<WsContext, Connection>();
  const sockets = new SocketCounts();
  const perPrincipal = new KeyCounts();
  let closing = false;

  /** A warning at most once a minute per kind, with how many happened since the last one. */
  const throttled = new Map<string, { at: number; count: number }>();
  const warnThrottled = (kind: string, fields: Record<string, unknown>, message: string) => {
    const now = Date.now();
    const t = throttled.get(kind) ?? { at: 0, count: 0 };
    t.count++;
    if (now - t.at >= 60_000) {
      logger.warn({ ...fields, count: t.count }, message);
      t.at = now;
      t.count = 0;
    }
    throttled.set(kind, t);
  };

  const authenticateHeader = (header: string | undefined) =>
    authenticate(sqlOf(deps.orm.em.fork()), header, { anonymousRole: deps.anonymousRole }, () => sqlOf(deps.orm.em.fork()));

  const refuse = (socket: WebSocket, message: string) => socket.close(CLOSE_UNAUTHORIZED, closeReason(`Unauthorized: ${message}`));

  /** Statements of one principal's live work at once (SQL_MAX_CONCURRENT_PER_PRINCIPAL), counted with its HTTP requests'. */
  const principalSlots = deps.slots ?? new PrincipalSlots(limits.maxConcurrentStatementsPerPrincipal);
  /** Runs `work` as one request of `key`: its id, its logger, its statements counted and taking turns. */
  const inflight = new Set<Promise<unknown>>();
  const asRequest = <T>(key: string, lane: Lane | undefined, work: (requestId: string, log: Logger) => Promise<T>): Promise<T> => {
    const requestId = crypto.randomUUID();
    const log = requestLogger(logger, { requestId });
    const statementSlots = principalSlots.forRequest(key, limits.maxConcurrentStatements, lane);
    const running = requestScope.run({ requestId, logger: log, statements: 0, statementSlots }, () => work(requestId, log));
    inflight.add(running);
    const forget = () => inflight.delete(running);
    running.then(forget, forget);
    return running;
  };

  /**
   * Token checks by Authorization value, for one generation of the hub: every connection with the same token shares one
   * look-up per batch, and at most MAX_TOKEN_CHECKS_AT_ONCE run at once (a reconnection re-checks every connection).
   */
  const tokenTurns = new StatementSlots(MAX_TOKEN_CHECKS_AT_ONCE);
  let checks = { generation: -1, byHeader: new Map<string | undefined, Promise<Viewer | null>>() };
  const checkToken = (header: string | undefined, fresh: boolean): Promise<Viewer | null> => {
    if (checks.generation !== hub.generation) checks = { generation: hub.generation, byHeader: new Map() };
    const round = checks.byHeader;
    const known = fresh ? undefined : round.get(header);
    if (known) return known;
    stats.tokenChecks++;
    const check: Promise<Viewer | null> = tokenTurns
      .run(() => asRequest('live:token-checks', undefined, () => authenticateHeader(header)))
      .catch((err: unknown) => {
        if (isUnauthenticated(err)) return null;
        if (round.get(header) === check) round.delete(header); // an outage: the next one asks again
        throw err;
      });
    round.set(header, check);
    return check;
  };
  /** The connection's viewer now (its token checked once per generation, or afresh), or null: the token no longer works. */
  const currentViewer = async (conn: Connection, fresh = false): Promise<Viewer | null> => {
    if (conn.viewer.kind !== 'principal') return conn.viewer;
    const viewer = await checkToken(conn.header, fresh);
    if (viewer) conn.viewer = viewer;
    return viewer;
  };

  /** Access changes (a principal or token revoked, ...) name no organisation: check every connection's token again. */
  const recheckAll = () => {
    checks = { generation: hub.generation, byHeader: new Map() };
    let failed = 0;
    for (const conn of connections.values()) {
      currentViewer(conn).then(
        (viewer) => viewer ?? refuse(conn.socket, 'the token is unknown, revoked or expired.'),
        (err) => {
          if (failed++ === 0) logger.warn({ err }, 'live updates: could not re-check the tokens of live connections');
        },
      );
    }
  };

  const shared = new Map<string, { generation: number; reads: Reads }>();
  const newReads = (viewer: Viewer, today: string): Reads => {
    const em = deps.orm.em.fork();
    const loaders = deps.createLoaders(em);
    const access: Access = createAccess(sqlOf(em), viewer, today, loaders.organizations.placementAt);
    return { em, loaders, access };
  };
  const readsKey = (viewer: Viewer, today: string) => `${viewer.kind}|${viewer.role}|${viewer.scopeId}|${today}`;
  /** Reads for one batch: built once per (scope, today) and hub generation. */
  const readsFor = (viewer: Viewer, today: string): Reads => {
    const generation = hub.generation;
    const key = readsKey(viewer, today);
    const entry = shared.get(key);
    if (entry && entry.generation === generation) return entry.reads;
    for (const [k, e] of shared) if (e.generation !== generation) shared.delete(k);
    const reads = newReads(viewer, today);
    shared.set(key, { generation, reads });
    return reads;
  };

  const contextOf = (viewer: Viewer, reads: Reads, requestId: string, log: Logger, today: string): Context => ({
    ...reads,
    kernel: deps.kernel,
    viewer,
    requestId,
    today,
    logger: log,
  });

  const formatted = new WeakSet<object>();
  /** Errors formatted inside the request's scope (its id in a masked error, its logger). */
  const format = (result: ExecutionResult): FormattedExecutionResult => {
    const out: FormattedExecutionResult = result.errors
      ? { ...result, errors: result.errors.map((e) => sendable(deps.formatError(e.toJSON(), e))) }
      : (result as FormattedExecutionResult);
    formatted.add(out);
    return out;
  };

  /** Events computed at once (MAX_EVENTS_AT_ONCE). */
  const eventTurns = new StatementSlots(MAX_EVENTS_AT_ONCE);
  const costExtension = (requested: number, spent: Spent) => ({ requested, limit: budget.perMinute, remaining: spent.remaining, resetAt: spent.resetAt.toISOString() });

  /** One event: the token re-checked, the operation executed with a fresh context; null: the connection was refused. */
  const deliver = (conn: Connection, args: ExecutionArgs, marker: LiveMarker, cost: Record<string, unknown>) =>
    eventTurns.run(() =>
      asRequest(conn.key, priced.get(args.document)?.lane, async (requestId, log): Promise<{ result: FormattedExecutionResult; outage: boolean; gone: boolean } | null> => {
        stats.events++;
        const today = deps.today();
        let result: FormattedExecutionResult;
        let reads: string | null = null;
        let step = 'The token could not be checked';
        try {
          const viewer = await currentViewer(conn);
          if (!viewer) {
            refuse(conn.socket, 'the token is unknown, revoked or expired.');
            return null;
          }
          reads = readsKey(viewer, today);
          step = 'The event could not be computed';
          const contextValue = contextOf(viewer, readsFor(viewer, today), requestId, log, today);
          result = format(await execute({ ...args, rootValue: marker, contextValue }));
        } catch (err) {
          // An error event (masked unless it is an outage), never a crash nor an unhandled rejection.
          result = format({ errors: [new GraphQLError(step, { originalError: err as Error })] });
        }
        const errors = result.errors ?? [];
        // `under` no longer visible (moved out of scope): this NOT_FOUND is the last event.
        const gone = errors.some((e) => e.extensions?.code === 'NOT_FOUND' && e.path?.length === 1);
        const failed = errors.filter((e) => e.extensions?.code === 'SERVICE_UNAVAILABLE').length;
        if (failed > 0) {
          // As over HTTP: one retryable error, no partial data, one log line. The batch's reads (their loaders keep the
          // failure) are not reused: the retry reads afresh.
          if (reads) shared.delete(reads);
          log.warn({ ...describeOutage(requestScope.getStore()?.outage), failedFields: failed }, 'database unavailable: live event not computed');
          result = { errors: [unavailableFormatted()] };
        }
        const out: FormattedExecutionResult = { ...result, extensions: { ...result.extensions, cost } };
        formatted.add(out);
        return { result: out, outage: failed > 0, gone };
      }),
    );

  /**
   * The subscription's events: each marker executed with a fresh context, its cost spent from the principal's budget
   * first (spent: the event waits for the next window, later changes coalescing into it); ends when the token or `under`
   * is gone. An event the database could not be read for is computed again later (`outageRetryMs`, doubling).
   */
  const events = (conn: Connection, args: ExecutionArgs, source: AsyncIterator<LiveMarker>, requested: number): AsyncIterableIterator<ExecutionResult> => {
    let ending = false;
    let waiting: { timer: NodeJS.Timeout; resolve: () => void } | null = null;
    let retry: NodeJS.Timeout | null = null;
    let retryDelay = outageRetryMs;
    const live = source instanceof LiveSubscription ? source : null;
    const sleep = (ms: number) =>
      new Promise<void>((resolve) => {
        const timer = setTimeout(() => {
          waiting = null;
          resolve();
        }, ms);
        waiting = { timer, resolve };
      });
    const finish = async (): Promise<IteratorResult<ExecutionResult>> => {
      ending = true;
      if (retry) clearTimeout(retry);
      retry = null;
      const w = waiting;
      waiting = null;
      if (w) {
        clearTimeout(w.timer);
        w.resolve();
      }
      await source.return?.();
      return { value: undefined, done: true };
    };
    return {
      async next() {
        if (ending) return finish();
        const r = await source.next();
        if (r.done || ending) return finish();
        let marker = r.value;
        let spent = await budget.spend(conn.key, requested);
        while (!spent.granted) {
          await sleep(Math.max(0, spent.resetAt.getTime() - Date.now()) + 50);
          if (ending) return finish();
          marker = live?.take() ?? marker; // what came in meanwhile: the latest operation
          spent = await budget.spend(conn.key, requested);
        }
        if (ending) return finish();
        const delivered = await deliver(conn, args, marker, costExtension(requested, spent));
        if (!delivered) return finish();
        if (delivered.gone) ending = true;
        if (delivered.outage && live && !ending) {
          const { operation, at } = marker;
          if (retry) clearTimeout(retry);
          retry = setTimeout(() => {
            retry = null;
            if (live.pendingEvents === 0) live.mark(operation, at); // a newer change pending: that one is the retry
          }, retryDelay);
          retry.unref();
          retryDelay = Math.min(60_000, retryDelay * 2);
        } else if (!delivered.outage) {
          if (retry) clearTimeout(retry); // computed: nothing to retry
          retry = null;
          retryDelay = outageRetryMs;
        }
        return { value: delivered.result as ExecutionResult, done: false };
      },
      return: finish,
      async throw(err: unknown) {
        await finish();
        throw err;
      },
      [Symbol.asyncIterator]() {
        return this;
      },
    };
  };

  /** Each subscription's cost, by its own parsed document (set when it subscribes). */
  /** Each subscription's price and lane (past-date ones take the past-date lane, SQL_MAX_CONCURRENT_PAST_DATE). */
  const priced = new WeakMap<DocumentNode, { requested: number; lane: Lane }>();

  const wss = new WebSocketServer({ noServer: true, maxPayload: MAX_MESSAGE_BYTES });
  const onUpgrade = (req: IncomingMessage, socket: Duplex, head: Buffer) => {
    if (new URL(req.url ?? '/', 'http://localhost').pathname !== LIVE_PATH) return refuseUpgrade(socket, 404);
    if (closing) return refuseUpgrade(socket, 503, 'The server is shutting down.', 5);
    const ip = req.socket.remoteAddress ?? 'unknown';
    const refusal = sockets.refusal(ip, limits.liveMaxConnections, limits.liveMaxConnectionsPerIp);
    if (refusal) {
      if (refusal.status === 503) stats.refused.instance++;
      else stats.refused.address++;
      warnThrottled(`refused ${refusal.status}`, { ip, status: refusal.status }, `live updates: refused a connection: ${refusal.message}`);
      return refuseUpgrade(socket, refusal.status, refusal.message, 10);
    }
    wss.handleUpgrade(req, socket, head, (ws) => {
      // Counted from here to its close, authenticated or not.
      const forget = sockets.add(ip);
      ws.once('close', forget);
      guardBackpressure(ws, limits.liveMaxBufferedKb * 1024, () => {
        stats.slowConsumers++;
        warnThrottled('slow consumer', { ip, maxBufferedKb: limits.liveMaxBufferedKb }, 'live updates: closed a connection whose peer does not read what is sent to it');
      });
      wss.emit('connection', ws, req);
      // graphql-ws reports a socket's errors on the console with a stack, and ws has already closed such a socket with
      // its code (1009 for a message too big, 1002 for a bad frame): one throttled log line instead, so a client sending
      // bad frames cannot fill the logs.
      ws.removeAllListeners('error');
      ws.on('error', (err: Error & { code?: string }) =>
        warnThrottled('bad frame', { ip, code: err.code, error: err.message }, 'live updates: closed a connection that sent an invalid or oversized message'),
      );
    });
  };
  server.on('upgrade', onUpgrade);

  const ws = useServer<Record<string, unknown>, { socket: WebSocket; request: IncomingMessage }>(
    {
      schema: deps.schema,
      connectionInitWaitTimeout: limits.liveConnectionInitTimeoutMs,
      async onConnect(ctx) {
        const socket = ctx.extra.socket;
        const header = authorizationParam(ctx.connectionParams);
        const ip = ctx.extra.request.socket.remoteAddress ?? 'unknown';
        let viewer: Viewer;
        try {
          viewer = await asRequest(`connect:${ip}`, undefined, () => authenticateHeader(header));
        } catch (err) {
          if (isUnauthenticated(err)) {
            refuse(socket, (err as GraphQLError).message);
          } else {
            warnThrottled('connect failed', describeOutage(err), 'live updates: could not authenticate a connection (closed 1013)');
            socket.close(CLOSE_TRY_AGAIN_LATER, 'Service unavailable: retry later');
          }
          return false;
        }
        // Closed while its token was being looked up: onClose has already run, nothing may be kept for it.
        if (socket.readyState !== socket.OPEN) return false;
        const key = budgetKey(viewer, ip);
        if (perPrincipal.get(key) >= limits.liveMaxConnectionsPerPrincipal) {
          stats.refused.principal++;
          warnThrottled('refused principal', { principal: key }, 'live updates: refused a connection: the principal holds its maximum of connections');
          socket.close(CLOSE_TRY_AGAIN_LATER, closeReason(`Too many connections: at most ${limits.liveMaxConnectionsPerPrincipal} per principal`));
          return false;
        }
        perPrincipal.add(key, 1);
        connections.set(ctx as WsContext, { header, viewer, socket, key });
        return true;
      },
      onClose(ctx) {
        const conn = connections.get(ctx as WsContext);
        if (!conn) return;
        connections.delete(ctx as WsContext);
        perPrincipal.add(conn.key, -1);
      },
      async onSubscribe(ctx, _id, payload) {
        const conn = connections.get(ctx as WsContext);
        if (!conn) return [clientError('UNAUTHENTICATED', 'The connection is not authenticated')];
        const max = limits.liveMaxSubscriptionsPerConnection;
        if (Object.keys(ctx.subscriptions).length > max) {
          return [clientError('RATE_LIMITED', `At most ${max} subscriptions per connection.`, { limit: 'subscriptions', maximum: max })];
        }
        let document: DocumentNode;
        try {
          document = parse(payload.query, { maxTokens: limits.maxTokens });
        } catch (err) {
          return [err instanceof GraphQLError ? requestError(err, 'GRAPHQL_PARSE_FAILED') : clientError('BAD_USER_INPUT', 'The query cannot be parsed')];
        }
        const invalid = validate(deps.schema, document, [...specifiedRules, ...validationRules]);
        if (invalid.length) return invalid.map((e) => requestError(e, 'GRAPHQL_VALIDATION_FAILED'));
        const operation = getOperationAST(document, payload.operationName);
        if (!operation) return [clientError('BAD_USER_INPUT', 'No operation of that name, or several operations and no operationName.')];
        if (operation.operation !== 'subscription') {
          return [clientError('BAD_USER_INPUT', 'Only subscriptions are served over WebSocket: send queries and mutations to POST /graphql.')];
        }
        // Priced like a query, before anything is read: over the cap refused, else spent from the principal's budget.
        const price = subscriptionCost(deps.schema, document, operation, payload.variables ?? undefined, deps.today(), limits.maxCostPerQuery);
        if (price instanceof GraphQLError) return [price];
        const { requested } = price;
        const until = budget.refusedUntil(conn.key);
        if (until) return [rateLimited(budget, until)];
        const spent = await budget.spend(conn.key, requested);
        if (!spent.granted) return [rateLimited(budget, spent.resetAt)];
        // The token checked afresh: one expired or revoked since the connection was made subscribes to nothing.
        let viewer: Viewer | null;
        try {
          viewer = await currentViewer(conn, true);
        } catch (err) {
          return [new GraphQLError('The token could not be checked', { originalError: err as Error })];
        }
        if (!viewer) {
          refuse(conn.socket, 'the token is unknown, revoked or expired.');
          return [clientError('UNAUTHENTICATED', 'The token is unknown, revoked or expired.')];
        }
        priced.set(document, price);
        return { schema: deps.schema, document, operationName: payload.operationName, variableValues: payload.variables };
      },
      async subscribe(args) {
        const conn = connections.get(args.contextValue as WsContext);
        if (!conn) return { errors: [clientError('UNAUTHENTICATED', 'The connection is not authenticated')] };
        const requested = priced.get(args.document)?.requested ?? 1;
        return asRequest(conn.key, priced.get(args.document)?.lane, async (requestId, log) => {
          try {
            // The subscribe step (the scope check of `under`) with a context of its own, as a query would have.
            const today = deps.today();
            const contextValue: LiveContext = { ...contextOf(conn.viewer, newReads(conn.viewer, today), requestId, log, today), live: hub };
            const stream = await createSourceEventStream({ ...args, contextValue });
            if (!(Symbol.asyncIterator in stream)) return format(stream) as ExecutionResult;
            return events(conn, args, (stream as AsyncIterable<LiveMarker>)[Symbol.asyncIterator](), requested);
          } catch (err) {
            // Not thrown to graphql-ws (which would close the connection 4500 and print a stack): one masked error.
            return format({ errors: [new GraphQLError('The subscription could not be started', { originalError: err as Error })] }) as ExecutionResult;
          }
        });
      },
      // The connection (graphql-ws's own context) identifies who subscribes; each step builds its own request context.
      context: (ctx) => ctx as unknown as object,
      onNext(_ctx, _id, _payload, _args, result) {
        deps.metrics?.liveEventSent();
        return formatted.has(result) ? (result as FormattedExecutionResult) : format(result);
      },
      onError(_ctx, _id, _payload, errors) {
        return errors.map((e) => sendable(deps.formatError(e.toJSON(), e)));
      },
    },
    wss,
    limits.liveKeepAliveMs,
  );

  const listener = new ChangeListener({
    connectionString: deps.connectionString ?? String(deps.orm.config.get('clientUrl')),
    logger,
    ...deps.listener,
    onNotification(n, at) {
      hub.publish(n, at).catch((err) => logger.error({ err }, 'live updates: could not apply a change notification'));
      if (!n.truncated && n.organizations.length === 0) recheckAll();
    },
    onReconnect() {
      deps.metrics?.liveListenerReconnected();
      hub.resync().catch((err) => logger.error({ err }, 'live updates: could not refresh the subscriptions'));
      recheckAll();
    },
  });
  await listener.start();
  deps.metrics?.watchLiveSubscriptions(() => hub.size);

  const graced = async (promise: Promise<unknown>) => {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([promise, new Promise<void>((resolve) => (timer = setTimeout(resolve, CLOSE_GRACE_MS)))]);
    clearTimeout(timer);
  };

  return {
    hub,
    listener,
    get connections() {
      return connections.size;
    },
    get stats() {
      return { ...stats, sockets: sockets.total, addresses: sockets.addresses, principals: perPrincipal.size };
    },
    async close() {
      closing = true;
      // No new changes, no new connections: then every connection closed (1001) before its subscriptions end, so
      // clients see the server going away (and retry) rather than their subscriptions completing.
      await listener.close();
      server.off('upgrade', onUpgrade);
      const closed = [...wss.clients].map((c) => new Promise<void>((resolve) => (c.readyState === c.CLOSED ? resolve() : c.once('close', () => resolve()))));
      await ws.dispose(); // 1001 Going Away to every client
      await graced(Promise.all(closed));
      for (const c of wss.clients) c.terminate();
      hub.close();
      // Events being computed finish (or fail) before the database is closed under them.
      await graced(Promise.allSettled([...inflight]));
    },
  };
}
