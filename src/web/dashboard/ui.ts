/**
 * Pieces of page the shell and the panels share: the loading / empty / error states (an error that passes by itself
 * tries again when the server says, with the count-down shown), a "more" button, and a render guard.
 */
import { describeError, errorCode, isRetryable, type ApiError } from './api';
import { h, replace } from './dom';

export function loadingBox(testid: string): HTMLElement {
  return h('p', { class: 'state-loading', 'data-testid': `${testid}-loading`, role: 'status' }, 'Đang tải… / Loading…');
}

export function emptyBox(testid: string, text: string): HTMLElement {
  return h('p', { class: 'state-empty', 'data-testid': `${testid}-empty` }, text);
}

/** Seconds before trying again when the server did not say (the network, a proxy). */
const DEFAULT_WAIT = 5;

/**
 * An error, plainly: its code and what it means. With `retry`: a "try again" button, and for an error that passes by
 * itself (429, 503, the network) an automatic retry after the server's Retry-After, counted down on the page. The
 * count-down stops when the box leaves the page (another view replaced it).
 */
export function errorBox(testid: string, err: unknown, retry?: () => void): HTMLElement {
  const code = errorCode(err);
  const box = h(
    'div',
    { class: 'state-error', 'data-testid': `${testid}-error`, 'data-code': code, role: 'alert' },
    h('strong', { class: 'error-code', 'data-testid': `${testid}-error-code` }, code),
    ' ',
    h('span', { 'data-testid': `${testid}-error-message` }, describeError(err)),
  );
  if (!retry) {
    const wait = isRetryable(err) ? err.retryAfter : null;
    if (wait) box.append(' ', h('span', { class: 'retry-note', 'data-testid': `${testid}-retry-in` }, `Có thể thử lại sau ${Math.ceil(wait)} giây / try again in ${Math.ceil(wait)} s`));
    return box;
  }
  const again = h('button', { type: 'button', class: 'secondary small', 'data-testid': `${testid}-retry` }, 'Thử lại / Retry');
  let timer: ReturnType<typeof setInterval> | null = null;
  const run = () => {
    if (timer) clearInterval(timer);
    timer = null;
    if (box.isConnected) retry();
  };
  again.addEventListener('click', run);
  box.append(' ', again);
  if (isRetryable(err)) {
    let left = Math.min(300, Math.max(1, Math.ceil((err as ApiError).retryAfter ?? DEFAULT_WAIT)));
    const note = h('span', { class: 'retry-note', 'data-testid': `${testid}-retry-in` });
    const tell = () => replace(note, `Tự thử lại sau ${left} giây / retrying in ${left} s`);
    tell();
    box.insertBefore(note, again);
    box.insertBefore(document.createTextNode(' '), again);
    timer = setInterval(() => {
      left -= 1;
      if (!box.isConnected) {
        if (timer) clearInterval(timer);
        timer = null;
      } else if (left <= 0) run();
      else tell();
    }, 1000);
  }
  return box;
}

/** A "more" button that disables itself while `load` runs. */
export function moreButton(testid: string, load: () => Promise<void>): HTMLButtonElement {
  const b = h('button', { type: 'button', class: 'secondary more', 'data-testid': testid }, 'Xem thêm / More');
  b.addEventListener('click', async () => {
    b.disabled = true;
    b.textContent = 'Đang tải… / Loading…';
    try {
      await load();
    } finally {
      b.disabled = false;
      b.textContent = 'Xem thêm / More';
    }
  });
  return b;
}

/**
 * Render guard: `render` may be called again on the same element before the previous call finished (another
 * organisation, another date, a live update). Each call takes a ticket; only the latest may write to the element.
 */
const tickets = new WeakMap<HTMLElement, number>();
export function takeTicket(el: HTMLElement): () => boolean {
  const n = (tickets.get(el) ?? 0) + 1;
  tickets.set(el, n);
  return () => tickets.get(el) === n;
}

/** What each element last showed (organisation and date), to tell a refresh from a new view. */
const shown = new WeakMap<HTMLElement, string>();

/**
 * Starts a render: takes the ticket, and shows "loading" for a new view (another organisation or date); a refresh
 * of the same view (a live update, after a write) keeps what is shown until the new answer replaces it, without a
 * flash. Returns whether this render is still the latest.
 */
export function beginRender(el: HTMLElement, view: { organizationId: string; asOf: string | null }, testid: string): () => boolean {
  const current = takeTicket(el);
  const key = `${view.organizationId}|${view.asOf ?? ''}`;
  if (shown.get(el) !== key || !el.hasChildNodes()) replace(el, loadingBox(testid));
  shown.set(el, key);
  return current;
}
