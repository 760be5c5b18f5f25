import type { Tx } from '../common/kernel';
import { issueDemoTokens } from './principal.service';

/** The demo VIEWER's scope: the root of the demo tree (Ban Chấp hành Trung ương Đảng), so it sees the whole tree on every date. */
export const DEMO_VIEWER_SCOPE = 'TW';
/** The demo EDITOR's scope: a ministry committee, Đảng bộ Bộ Tài chính (DBTC, since the 2025 merger). */
export const DEMO_EDITOR_SCOPE = 'DBTC';

/** The demo tokens, by the name README examples give them (`$ADMIN_TOKEN`, `$VIEWER_TOKEN`, `$EDITOR_TOKEN`). */
export interface DemoTokens {
  ADMIN: string;
  VIEWER: string;
  EDITOR: string;
}

/**
 * What demo mode does after the demo seed: a demo ADMIN, a demo VIEWER of the whole tree and a demo EDITOR of DBTC,
 * each with a fresh token (the previous ones stop working). Null when the demo tree is not there.
 */
export async function issueDemoPrincipals(tx: Tx): Promise<DemoTokens | null> {
  const rows = await tx.sql<{ id: string; code: string }>(`select id, code from organization where code in (?, ?)`, [DEMO_VIEWER_SCOPE, DEMO_EDITOR_SCOPE]);
  const viewer = rows.find((r) => r.code === DEMO_VIEWER_SCOPE)?.id;
  const editor = rows.find((r) => r.code === DEMO_EDITOR_SCOPE)?.id;
  if (!viewer || !editor) return null;
  const t = await issueDemoTokens(tx, { viewer, editor });
  return { ADMIN: t.admin, VIEWER: t.viewer, EDITOR: t.editor };
}
