import DataLoader from 'dataloader';
import { groupBy } from '../common/batch';
import type { Sql } from '../common/sql';
import { RISK_KINDS, type RiskKind } from './risk.enums';
import { riskCountsOf, risksOf } from './risk.repository';

export interface RiskCountsKey {
  /** The organisation whose scope is counted. */
  id: string;
  scope: 'SUBTREE' | 'CHILDREN';
  date: string;
}

/**
 * One set per request: the risks of congresses (one statement per date for every congress asked) and the counts over
 * organisations' scopes (one statement per scope and date). Both join the same SQL (risk.sql.ts).
 */
export function createRiskLoaders(sql: Sql) {
  const risksKey = (k: { congressId: string; date: string }) => `${k.congressId}|${k.date}`;
  const risks = new DataLoader<{ congressId: string; date: string }, RiskKind[], string>(
    async (keys) => {
      const out = new Map<string, RiskKind[]>();
      await Promise.all(
        [...groupBy(keys, (k) => k.date).entries()].map(async ([date, group]) => {
          for (const r of await risksOf(sql, [...new Set(group.map((k) => k.congressId))], date)) out.set(`${r.id}|${date}`, r.risks);
        }),
      );
      return keys.map((k) => out.get(risksKey(k)) ?? []);
    },
    { cacheKeyFn: risksKey },
  );

  const countsKey = (k: RiskCountsKey) => `${k.id}|${k.scope}|${k.date}`;
  const counts = new DataLoader<RiskCountsKey, Map<RiskKind, number>, string>(
    async (keys) => {
      const out = new Map<string, Map<RiskKind, number>>();
      await Promise.all(
        [...groupBy(keys, (k) => `${k.scope}|${k.date}`).values()].map(async (group) => {
          const { scope, date } = group[0];
          for (const r of await riskCountsOf(sql, [...new Set(group.map((k) => k.id))], date, scope)) {
            out.set(`${r.key}|${scope}|${date}`, new Map(RISK_KINDS.map((kind) => [kind, r[kind]])));
          }
        }),
      );
      return keys.map((k) => out.get(countsKey(k)) ?? new Map(RISK_KINDS.map((kind) => [kind, 0])));
    },
    { cacheKeyFn: countsKey },
  );

  return {
    risks,
    counts,
    clearAll() {
      risks.clearAll();
      counts.clearAll();
    },
  };
}

export type RiskLoaders = ReturnType<typeof createRiskLoaders>;
