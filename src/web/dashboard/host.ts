/**
 * Hosts the panels (panels/index.ts) in their sections: each renders with the shell's PanelContext, one render at
 * a time per panel (a request for another while one runs renders once more afterwards, with the newest context).
 */
import { h } from './dom';
import type { Panel, PanelContext } from './panel';
import { errorBox } from './ui';

interface Slot { panel: Panel; body: HTMLElement; running: boolean; pending: PanelContext | null }

export interface PanelHost {
  render(ctx: PanelContext | null): void;
}

export function createPanelHost(container: HTMLElement, panels: Panel[]): PanelHost {
  const slots: Slot[] = panels.map((panel) => {
    const body = h('div', { class: 'panel-body', 'data-testid': `panel-${panel.id}-body` });
    container.append(
      h('section', { id: `panel-${panel.id}`, class: 'card panel', 'data-testid': `panel-${panel.id}`, 'aria-labelledby': `panel-${panel.id}-title` },
        h('header', { class: 'card-head' }, h('h2', { id: `panel-${panel.id}-title` }, panel.title)),
        body),
    );
    return { panel, body, running: false, pending: null };
  });

  const run = async (slot: Slot, ctx: PanelContext) => {
    slot.running = true;
    slot.body.setAttribute('aria-busy', 'true');
    try {
      await slot.panel.render(slot.body, ctx);
    } catch (err) {
      // A panel shows its own errors; this is for one that threw instead.
      slot.body.replaceChildren(errorBox(`panel-${slot.panel.id}`, err, ctx.refresh));
    } finally {
      slot.running = false;
      slot.body.removeAttribute('aria-busy');
    }
    const next = slot.pending;
    slot.pending = null;
    if (next) await run(slot, next);
  };

  return {
    render(ctx) {
      for (const slot of slots) {
        if (!ctx) {
          slot.pending = null;
          if (!slot.running) slot.body.replaceChildren(h('p', { class: 'state-empty' }, 'Chọn một tổ chức / Pick an organisation.'));
          continue;
        }
        if (slot.running) slot.pending = ctx;
        else void run(slot, ctx);
      }
    },
  };
}
