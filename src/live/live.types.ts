import { DateTimeResolver } from 'graphql-scalars';
import { Field, ObjectType, type PubSub } from 'type-graphql';
import type { Context } from '../common/context';
import { clientError } from '../common/errors';
import type { ScopeRef } from '../common/scope-ref';

/**
 * What a subscription's source yields (src/live/live.hub.ts): "the subtree of `under` may have changed", nothing more.
 * The event's numbers are computed from it when it is delivered, with a fresh context (src/server/live.server.ts).
 */
export interface LiveMarker {
  /** The organisation subscribed to (uuid). */
  under: string;
  /** The write that caused it (the latest one when several were coalesced), or RESYNC_OPERATION. */
  operation: string;
  /** When the (latest) notification arrived. */
  at: Date;
}

/**
 * The operation of an event sent because notifications may have been missed (the listener lost its connection to the
 * database and got it back): every subscription receives one, with the state as it is now.
 */
export const RESYNC_OPERATION = 'resync';

/** Where subscriptions come from: the process's hub. */
export interface LiveSource {
  subscribe(under: string): AsyncIterableIterator<LiveMarker>;
}

/** The context of a subscription's subscribe step: a request context plus the hub (src/server/live.server.ts). */
export interface LiveContext extends Context {
  live: LiveSource;
}

export function liveSourceOf(ctx: Context): LiveSource {
  const live = (ctx as Partial<LiveContext>).live;
  if (!live) throw clientError('BAD_USER_INPUT', 'Subscriptions are served over WebSocket (graphql-ws, subprotocol graphql-transport-ws) at /graphql, not over HTTP.');
  return live;
}

/**
 * type-graphql refuses to build a schema with subscriptions without a PubSub, even when every subscription brings its
 * own `subscribe` (as ours do). This one is never used.
 */
export const unusedPubSub: PubSub = {
  publish() {
    throw new Error('live updates do not use a PubSub (src/live/live.hub.ts)');
  },
  subscribe() {
    throw new Error('live updates do not use a PubSub (src/live/live.hub.ts)');
  },
};

/** What the live server reports to the metrics (src/server/metrics.ts implements it). */
export interface LiveObserver {
  /** Open subscriptions, read when scraped. */
  watchLiveSubscriptions(open: () => number): void;
  /** One event sent to one subscriber. */
  liveEventSent(): void;
  /** The change listener got its connection back (after losing it). */
  liveListenerReconnected(): void;
}

@ObjectType('ProgressChangedEvent', {
  description:
    'Something in the subtree of the organisation subscribed to changed: its roll-up as it is now. Events are coalesced: a subscriber that is busy ' +
    'receives, once ready, one event with the latest state (and the latest operation), never a backlog.',
})
export class ProgressChangedEvent {
  /** The organisation subscribed to (uuid). */
  under!: string;
  /** The date the event is read at: today when it is delivered. */
  asOf!: string;

  @Field({
    description:
      'The write that caused it: the mutation or tool operation (e.g. "congressAdvance"); the latest one when several were coalesced. ' +
      `"${RESYNC_OPERATION}" when the server may have missed changes (its connection to the database was lost and restored).`,
  })
  operation!: string;

  @Field(() => DateTimeResolver, { description: 'When the server learnt of the change (the latest one when several were coalesced).' })
  at!: Date;

  /** Access control (src/common/scope-ref.ts): the event is content of the organisation subscribed to, on the date read. */
  scopeRef(): ScopeRef {
    return { kind: 'organization', id: this.under, date: this.asOf, type: 'content' };
  }

  static of(marker: LiveMarker, asOf: string): ProgressChangedEvent {
    return Object.assign(new ProgressChangedEvent(), { under: marker.under, asOf, operation: marker.operation, at: marker.at });
  }
}
