/**
 * How an object says whose it is, so access control (src/access) can decide whether the viewer may see it: every
 * object type a resolver returns that belongs to an organisation implements `scopeRef()`. The access middleware
 * checks the value every field resolver returns (objects, lists, connections' nodes): outside the viewer's scope it
 * is not found (null, or dropped from a list). Features implement the method; they never import src/access.
 */
export type ScopeRef =
  /** Belongs to one organisation, read on `date` (YYYY-MM-DD): visible when that organisation is in scope on that date. */
  | {
      kind: 'organization';
      id: string;
      date: string;
      /**
       * `Organization`: the organisation itself (an ancestor of the viewer's scope shows its name fields only);
       * `content`: something of it (needs it fully visible); `reference`: an object naming it (a restructuring's
       * participant), shown whenever the organisation is (its own organisation field is checked on its own).
       */
      type: 'Organization' | 'content' | 'reference';
    }
  /** A restructuring: visible when any of its participants ever sat in the viewer's scope. */
  | { kind: 'restructuring'; id: string }
  /** The audit log, principals: ADMIN only. */
  | { kind: 'admin' };

export interface Scoped {
  scopeRef(): ScopeRef;
}

export const isScoped = (value: unknown): value is Scoped =>
  typeof value === 'object' && value !== null && typeof (value as Partial<Scoped>).scopeRef === 'function';
