/**
 * The contract between the dashboard's shell (main.ts: token, tree, drill-down, asOf, live updates) and its panels
 * (panels/*.ts: burn-up, calendar, pending restructurings, readiness reports). A panel renders into the element the
 * shell gives it, for the organisation and date the shell shows, using only the public GraphQL API through `gql`.
 */
export type Role = 'ADMIN' | 'EDITOR' | 'VIEWER' | 'PUBLIC';

export interface PanelContext {
  /** POST /graphql with the dashboard's token. Resolves `data`; rejects with an ApiError (api.ts): the first error's message, `code` (extensions.code), HTTP status, Retry-After. */
  gql<T = any>(query: string, variables?: Record<string, unknown>): Promise<T>;
  /** The organisation shown (its GraphQL `id`, read today) and its display name. */
  organizationId: string;
  organizationName: string;
  /** The date everything is read at (`asOf`); null = today. */
  asOf: string | null;
  /** Today as the server sees it (YYYY-MM-DD). */
  today: string;
  /** The caller (`viewer { role scope { id } }`). */
  viewer: { role: Role; scopeId: string | null };
  /** Asks the shell to reload the tree and every panel, quietly (after a write the panel made; an error box's retry). */
  refresh(): void;
}

export interface Panel {
  /** A stable id (DOM id `panel-<id>`, used by the browser test). */
  id: string;
  /** The section's heading (Vietnamese first, English after a slash, like the rest of the page). */
  title: string;
  /** Renders the panel for `ctx`; called again (same element) when the organisation, the date or the data change. */
  render(el: HTMLElement, ctx: PanelContext): Promise<void>;
}
