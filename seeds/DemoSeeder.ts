import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { todayFn } from '../src/common/dates';
import { loadConfig } from '../src/config';
import { enactDecision, proposePendingMerger, SUCCESSOR_CONGRESSES, tellNationalCongress, tellSuccessorCongress } from './demo-2025';
import { isEndedIn2025, planDemoCongresses, tellCongresses } from './demo-congresses';
import { DEMO_RECORD_START, demoTree } from './demo-tree';
import { endOfTheBlocs, enterpriseTransfer, financeMerger, taxRename } from './history-2025';
import { buildTree } from './tree-builder';

export interface DemoSeedContext {
  /** The service's "today" (YYYY-MM-DD): the demo holds what happened up to the end of that day, nothing later. */
  today: string;
}

/**
 * The demo data, told in the order it happened: the organisation tree of 4 December 2024
 * (../shared/domain/facts.md §6), the congresses of the 2025–2030 term, and what 2025 did to the tree (§5) — all
 * through the services, so the demo obeys every rule a user meets. History is recorded up to the service's today
 * (`context.today`; without a context, e.g. from the MikroORM CLI, the configured TODAY or the date in TIME_ZONE):
 * decisions not yet taken are absent, decided ones not yet in effect are APPROVED and pending, and no congress has a
 * change effective after today. Ids derive from codes and every date is fixed, so a reseed reproduces the demo exactly.
 */
export class DemoSeeder extends Seeder<DemoSeedContext> {
  async run(em: EntityManager, context?: DemoSeedContext): Promise<void> {
    const today = context?.today ?? configuredToday();
    await em.transactional(async (tx) => {
      const tem = tx as EntityManager;
      const ids = await buildTree(tem, demoTree, { establishedOn: DEMO_RECORD_START });
      const planned = planDemoCongresses(demoTree);
      // Committees that 2025 ended prepared their congress until then.
      await tellCongresses(tem, planned, ids, today, isEndedIn2025);
      for (const decision of [endOfTheBlocs, financeMerger, taxRename]) await enactDecision(tem, decision, today);
      await tellCongresses(tem, planned, ids, today, (code) => !isEndedIn2025(code));
      for (const story of SUCCESSOR_CONGRESSES) await tellSuccessorCongress(tem, story, today);
      await tellNationalCongress(tem, today);
      await enactDecision(tem, enterpriseTransfer, today);
      await proposePendingMerger(tem, today);
    });
  }
}

/** Loads the demo into `orm`'s database as it stood at the end of `today`. */
export async function seedDemo(orm: MikroORM, today: string): Promise<void> {
  const em = orm.em.fork() as EntityManager;
  await new DemoSeeder().run(em, { today });
  await em.flush();
  em.clear();
}

function configuredToday(): string {
  const config = loadConfig();
  return todayFn(config.today, config.timeZone)();
}
