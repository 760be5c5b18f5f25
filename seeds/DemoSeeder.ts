import type { EntityManager, MikroORM } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { todayFn } from '../src/common/dates';
import { systemViewer, type Kernel } from '../src/common/kernel';
import { loadConfig } from '../src/config';
import { createAppKernel } from '../src/kernel';
import { enactDecision, proposePendingMerger, SUCCESSOR_CONGRESSES, tellNationalCongress, tellSuccessorCongress } from './demo-2025';
import { isEndedIn2025, planDemoCongresses, tellCongresses } from './demo-congresses';
import { tellReadiness } from './demo-readiness';
import { DEMO_RECORD_START, demoTree } from './demo-tree';
import { endOfTheBlocs, enterpriseTransfer, financeMerger, taxRename } from './history-2025';
import { buildTree } from './tree-builder';

export interface DemoSeedContext {
  /** The service's "today" (YYYY-MM-DD): the demo holds what happened up to the end of that day, nothing later. */
  today: string;
  /** The write path (default: the application's kernel over the seeder's entity manager). */
  kernel?: Kernel;
}

/**
 * The demo data, told in the order it happened: the organisation tree of 4 December 2024
 * (../shared/domain/facts.md §6), the congresses of the 2025–2030 term, and what 2025 did to the tree (§5) — all
 * through the services, so the demo obeys every rule a user meets. History is recorded up to the service's today
 * (`context.today`; without a context, e.g. from the MikroORM CLI, the configured TODAY or the date in TIME_ZONE):
 * decisions not yet taken are absent, decided ones not yet in effect are APPROVED and pending, and no congress has a
 * change effective after today. Ids derive from codes and every date is fixed, so a reseed reproduces the demo exactly.
 * One kernel transaction (operation `demoSeed`, a system viewer): the journal's consumers see every change.
 */
export class DemoSeeder extends Seeder<DemoSeedContext> {
  async run(em: EntityManager, context?: DemoSeedContext): Promise<void> {
    const today = context?.today ?? configuredToday();
    const kernel = context?.kernel ?? createAppKernel({ em });
    await kernel.withTransaction({ operation: 'demoSeed', viewer: systemViewer('demo seed'), today }, async (tx) => {
      const ids = await buildTree(tx, demoTree, { establishedOn: DEMO_RECORD_START });
      const planned = planDemoCongresses(demoTree);
      // Committees that 2025 ended prepared their congress until then.
      await tellCongresses(tx, planned, ids, today, isEndedIn2025);
      for (const decision of [endOfTheBlocs, financeMerger, taxRename]) await enactDecision(tx, decision, today);
      await tellCongresses(tx, planned, ids, today, (code) => !isEndedIn2025(code));
      for (const story of SUCCESSOR_CONGRESSES) await tellSuccessorCongress(tx, story, today);
      await tellNationalCongress(tx, today);
      await enactDecision(tx, enterpriseTransfer, today);
      await proposePendingMerger(tx, today);
      // Readiness reports of January 2025, told last: each checklist is computed on its day from the dated history.
      await tellReadiness(tx, today);
    });
  }
}

/** Loads the demo into `orm`'s database as it stood at the end of `today`, through `kernel` (default: the application's). */
export async function seedDemo(orm: MikroORM, today: string, kernel: Kernel = createAppKernel(orm)): Promise<void> {
  await new DemoSeeder().run(orm.em.fork(), { today, kernel });
}

function configuredToday(): string {
  const config = loadConfig();
  return todayFn(config.today, config.timeZone)();
}
