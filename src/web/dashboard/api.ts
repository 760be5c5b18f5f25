/**
 * The dashboard's only way to the server: POST /graphql and the export downloads, with the token kept in this browser
 * (token.ts). The token goes to this page's own origin only: any other address is refused before a request is
 * made. Failures are ApiErrors: the API's `extensions.code` (or NETWORK, HTTP_<status>), the HTTP status, and the
 * seconds to wait before trying again (Retry-After) where the server says so.
 */
import { authorization, getToken } from './token';

export class ApiError extends Error {
  constructor(
    message: string,
    readonly code: string,
    readonly status: number,
    /** Seconds the server asks to wait (429 RATE_LIMITED, 503 SERVICE_UNAVAILABLE); null when it did not say. */
    readonly retryAfter: number | null = null,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

const RETRYABLE_CODES = new Set(['NETWORK', 'RATE_LIMITED', 'SERVICE_UNAVAILABLE']);

/** A failure that passes by itself: the budget of the minute spent, the database or a proxy down, the network. */
export function isRetryable(err: unknown): err is ApiError {
  return err instanceof ApiError && (RETRYABLE_CODES.has(err.code) || [429, 502, 503, 504].includes(err.status));
}

export const errorCode = (err: unknown): string => (err instanceof ApiError ? err.code : 'ERROR');

/** What went wrong, in words for the person looking at the page (Vietnamese / English). */
export function describeError(err: unknown): string {
  if (!(err instanceof ApiError)) return err instanceof Error ? err.message : String(err);
  switch (err.code) {
    case 'RATE_LIMITED':
      return 'Đã dùng hết hạn mức truy vấn của phút này. / The query budget of this minute is spent.';
    case 'SERVICE_UNAVAILABLE':
      return 'Máy chủ tạm thời không truy cập được cơ sở dữ liệu. / The service is unavailable for a moment.';
    case 'NETWORK':
      return 'Không kết nối được máy chủ. / The server cannot be reached.';
    case 'FORBIDDEN':
      return `Không có quyền / Not allowed: ${err.message}`;
    default:
      if (err.status >= 502 && err.status <= 504) return `Máy chủ tạm thời không trả lời (HTTP ${err.status}). / The server is not answering for a moment.`;
      return err.message;
  }
}

/** Called on every 401, so the shell can ask for a token again. */
let onUnauthenticated: (err: ApiError) => void = () => undefined;
export function whenUnauthenticated(handler: (err: ApiError) => void): void {
  onUnauthenticated = handler;
}

function unauthenticated(status: number): ApiError {
  const err = new ApiError(
    getToken()
      ? 'Token không hợp lệ, đã bị thu hồi hoặc hết hạn / The token is unknown, revoked or expired (the demo tokens change at each start).'
      : 'Cần token / A token is required.',
    'UNAUTHENTICATED',
    status,
  );
  onUnauthenticated(err);
  return err;
}

type ErrorBody = { errors?: { message?: string; extensions?: { code?: string; retryAfterSeconds?: number } }[]; message?: string; code?: string };

/** A request to this origin with the token; the network's failure as an ApiError. */
async function send(path: string, init: RequestInit): Promise<Response> {
  const url = new URL(path, location.href);
  if (url.origin !== location.origin) throw new ApiError(`Refused to send the token to another origin (${url.origin}).`, 'CROSS_ORIGIN', 0);
  const auth = authorization();
  const headers = new Headers(init.headers);
  if (auth) headers.set('authorization', auth);
  try {
    return await fetch(url, { ...init, headers, credentials: 'same-origin', redirect: 'error' });
  } catch {
    throw new ApiError('Không kết nối được máy chủ / The server cannot be reached.', 'NETWORK', 0);
  }
}

/** The error of a refused answer: its body's first error (code, message), its Retry-After. */
async function failure(res: Response, body?: ErrorBody): Promise<ApiError> {
  if (!body) {
    const text = await res.text().catch(() => '');
    try {
      body = JSON.parse(text) as ErrorBody;
    } catch {
      body = { message: text.trim().slice(0, 300) || undefined };
    }
  }
  const first = body.errors?.[0];
  const code = first?.extensions?.code ?? body.code ?? (res.status === 503 ? 'SERVICE_UNAVAILABLE' : res.status === 429 ? 'RATE_LIMITED' : `HTTP_${res.status}`);
  if (code === 'UNAUTHENTICATED' || res.status === 401) return unauthenticated(res.status);
  const header = Number(res.headers.get('retry-after'));
  const retryAfter = Number.isFinite(header) && header > 0 ? header : (first?.extensions?.retryAfterSeconds ?? null);
  return new ApiError(first?.message ?? body.message ?? (res.statusText || `HTTP ${res.status}`), code, res.status, retryAfter);
}

/** One GraphQL request; resolves `data`, rejects with an ApiError for the first error. */
export async function gql<T = any>(query: string, variables: Record<string, unknown> = {}): Promise<T> {
  const res = await send('/graphql', {
    method: 'POST',
    headers: { 'content-type': 'application/json', accept: 'application/json' },
    body: JSON.stringify({ query, variables }),
  });
  let body: ErrorBody & { data?: T };
  try {
    body = await res.json();
  } catch {
    throw await failure(res, {});
  }
  if (!res.ok || body.errors?.length) throw await failure(res, body);
  return body.data as T;
}

/**
 * Downloads an export (`/export/...csv|xlsx`) with the token — a plain link cannot send the Authorization header — and
 * saves it through a temporary `<a download>`; resolves the file's name.
 */
export async function download(path: string, fallbackName: string): Promise<string> {
  const res = await send(path, {});
  if (!res.ok) throw await failure(res);
  const blob = await res.blob();
  const name = fileNameOf(res.headers.get('content-disposition')) ?? fallbackName;
  const url = URL.createObjectURL(blob);
  const a = document.createElement('a');
  a.href = url;
  a.download = name;
  a.hidden = true;
  document.body.append(a);
  a.click();
  a.remove();
  // Give the browser time to start saving before the object URL goes.
  setTimeout(() => URL.revokeObjectURL(url), 60_000);
  return name;
}

/** The file name from `Content-Disposition` (RFC 6266: `filename*=UTF-8''…` first, then `filename="…"`). */
function fileNameOf(disposition: string | null): string | null {
  if (!disposition) return null;
  const star = /filename\*\s*=\s*UTF-8''([^;]+)/i.exec(disposition);
  if (star) {
    try {
      return decodeURIComponent(star[1].trim().replace(/^"|"$/g, ''));
    } catch {
      /* fall through */
    }
  }
  const plain = /filename\s*=\s*"?([^";]+)"?/i.exec(disposition);
  return plain ? plain[1].trim() : null;
}
