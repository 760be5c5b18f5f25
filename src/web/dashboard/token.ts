/**
 * The access token, pasted once in the dashboard and kept in this browser (localStorage `daihoi.token`); GraphiQL at
 * /graphiql uses this module too, so both pages share it. Where storage is refused (a private window) it lasts for the
 * page only. It is only ever sent to the page's own origin (api.ts, live.ts).
 */
export const TOKEN_KEY = 'daihoi.token';

let memory = '';

/** The token without a leading "Bearer " (people paste the whole header). */
export const bareToken = (token: string): string => token.trim().replace(/^Bearer\s+/i, '').trim();

export function getToken(): string {
  try {
    return bareToken(localStorage.getItem(TOKEN_KEY) ?? memory);
  } catch {
    return memory;
  }
}

export function setToken(token: string): void {
  memory = bareToken(token);
  try {
    if (memory) localStorage.setItem(TOKEN_KEY, memory);
    else localStorage.removeItem(TOKEN_KEY);
  } catch {
    /* storage refused: `memory` serves this page */
  }
}

/** The Authorization header's value, or null without a token. */
export function authorization(): string | null {
  const token = getToken();
  return token ? `Bearer ${token}` : null;
}
