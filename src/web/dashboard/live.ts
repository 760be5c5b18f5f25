/**
 * Live updates: one graphql-ws connection to this page's own host (/graphql), subscribed to `progressChanged(under:)`
 * for the organisation shown (today only). Events are debounced into one refresh; the connection state is reported.
 * A dropped connection (a restart, the network) is tried again, ever more slowly up to every 30 s, and resubscribed;
 * once back, the page refreshes, since what changed meanwhile sent no event. A refused token (4401) is not retried.
 */
import { createClient, type Client } from 'graphql-ws';
import { authorization } from './token';

export type LiveState = 'off' | 'connecting' | 'live' | 'retrying' | 'paused' | 'denied';

const SUBSCRIPTION = `subscription DashboardLive($under: ID!) {
  progressChanged(under: $under) { organization { id } operation at }
}`;

export interface Live {
  /** Subscribes to the subtree of `under` (a canonical id); null stops (`why`: a past date, no organisation). */
  watch(under: string | null, why?: string): void;
  /** Drops the connection (the token changed); the next `watch` opens a new one. */
  reset(): void;
}

export function createLive(opts: { onChange: () => void; onState: (state: LiveState, detail?: string) => void; debounceMs?: number }): Live {
  let client: Client | null = null;
  let unsubscribe: (() => void) | null = null;
  let watching: string | null = null;
  let timer: ReturnType<typeof setTimeout> | null = null;
  /** Connected at least once since the last reset. */
  let connected = false;
  /** The connection dropped while watching: events may have been missed. */
  let dropped = false;

  const changed = () => {
    if (timer) clearTimeout(timer);
    timer = setTimeout(() => {
      timer = null;
      opts.onChange();
    }, opts.debounceMs ?? 250);
  };

  const ensureClient = (): Client => {
    if (client) return client;
    const url = `${location.protocol === 'https:' ? 'wss' : 'ws'}://${location.host}/graphql`;
    client = createClient({
      url,
      lazy: true,
      lazyCloseTimeout: 1000,
      retryAttempts: Infinity,
      // Retry through restarts and network cuts, not when the server refuses the token or the request.
      shouldRetry: (e) => !(e && typeof e === 'object' && 'code' in e && [4400, 4401, 4403].includes((e as CloseEvent).code)),
      // 1, 2, 4 … 30 s, with jitter so that many pages do not come back at the same instant.
      retryWait: async (retries) => new Promise((r) => setTimeout(r, Math.min(30_000, 1000 * 2 ** Math.min(retries, 5)) + Math.random() * 500)),
      connectionParams: () => {
        const auth = authorization();
        return auth ? { authorization: auth } : {};
      },
      on: {
        connecting: () => opts.onState(dropped ? 'retrying' : 'connecting'),
        connected: () => {
          connected = true;
          opts.onState(watching ? 'live' : 'off');
          if (dropped && watching) changed();
          dropped = false;
        },
        closed: () => {
          if (!watching) return;
          dropped = connected;
          opts.onState(connected ? 'retrying' : 'connecting');
        },
      },
    });
    return client;
  };

  const stop = () => {
    unsubscribe?.();
    unsubscribe = null;
    watching = null;
  };

  return {
    watch(under, why) {
      if (under === watching && unsubscribe) return;
      stop();
      if (!under) {
        opts.onState('paused', why);
        return;
      }
      watching = under;
      const c = ensureClient();
      opts.onState(connected ? 'live' : 'connecting');
      unsubscribe = c.subscribe(
        { query: SUBSCRIPTION, variables: { under } },
        {
          next: (msg) => {
            if (msg.errors?.length) {
              opts.onState('denied', msg.errors[0].message);
              return;
            }
            changed();
          },
          error: (err) => {
            const text = Array.isArray(err) ? err.map((e) => e.message).join('; ') : err instanceof Error ? err.message : 'closed';
            if (watching === under) {
              watching = null;
              unsubscribe = null;
              opts.onState('denied', text);
            }
          },
          complete: () => {
            if (watching === under) {
              watching = null;
              unsubscribe = null;
            }
          },
        },
      );
    },
    reset() {
      stop();
      connected = false;
      dropped = false;
      void client?.dispose();
      client = null;
      opts.onState('off');
    },
  };
}
