/**
 * The dashboard's one way of making elements. Text from the API always goes in as text nodes, never parsed as HTML
 * (an organisation named `<script>…` shows as written); nothing in the dashboard uses innerHTML. Styles go through the
 * CSSOM: the page's Content-Security-Policy allows no inline style attribute (src/web/web.routes.ts).
 */
export type Child = Node | string | number | null | undefined | false;
type Value = string | number | boolean | null | undefined;
export type Attrs = Record<string, Value | EventListener | Record<string, string>>;

/** `h('td', { class: 'x', 'data-testid': 'y', style: { width: '40%' }, onclick: fn }, 'text', child)`. */
export function h<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Attrs = {}, ...children: Child[]): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [key, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (key === 'style') {
      if (typeof value !== 'object') throw new Error('h(): give `style` as an object (inline style attributes are refused by the policy)');
      for (const [property, v] of Object.entries(value)) el.style.setProperty(property, v);
    } else if (key.startsWith('on') && typeof value === 'function') el.addEventListener(key.slice(2), value);
    else el.setAttribute(key, value === true ? '' : String(value));
  }
  append(el, ...children);
  return el;
}

export function append(el: Element, ...children: Child[]): void {
  for (const c of children) {
    if (c === null || c === undefined || c === false) continue;
    el.append(typeof c === 'number' ? String(c) : c);
  }
}

/** Replaces the element's content. */
export function replace(el: Element, ...children: Child[]): void {
  el.replaceChildren();
  append(el, ...children);
}

/** An element of the page by id. */
export const byId = <T extends HTMLElement = HTMLElement>(id: string): T => document.getElementById(id) as T;
