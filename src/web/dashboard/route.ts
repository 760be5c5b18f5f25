/** The view in the URL hash (`#org=BTC&asOf=2024-12-04`), so reload and the back button work. */
export interface Route {
  /** The organisation's code; null = the viewer's starting point (its scope, else the roots). */
  org: string | null;
  /** YYYY-MM-DD; null = today. */
  asOf: string | null;
}

const DATE = /^\d{4}-\d{2}-\d{2}$/;

export function readRoute(hash = location.hash): Route {
  const params = new URLSearchParams(hash.replace(/^#/, ''));
  const org = params.get('org')?.trim() || null;
  const asOf = params.get('asOf')?.trim() ?? '';
  return { org, asOf: DATE.test(asOf) ? asOf : null };
}

export function routeHash(route: Route): string {
  const params = new URLSearchParams();
  if (route.org) params.set('org', route.org);
  if (route.asOf) params.set('asOf', route.asOf);
  const text = params.toString();
  return text ? `#${text}` : '#';
}

/** Goes to `route` (a new history entry; the hashchange listener renders it). */
export function go(route: Route): void {
  const hash = routeHash(route);
  if (hash === (location.hash || '#')) return;
  location.hash = hash;
}
