import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { calendarDateIn } from '../src/common/dates';
import { enactDecision, proposePendingMerger, SUCCESSOR_CONGRESSES, tellNationalCongress, tellSuccessorCongress } from './demo-2025';
import { isEndedIn2025, planDemoCongresses, tellCongresses } from './demo-congresses';
import { DEMO_RECORD_START, demoTree } from './demo-tree';
import { endOfTheBlocs, enterpriseTransfer, financeMerger, taxRename } from './history-2025';
import { buildTree } from './tree-builder';

/**
 * The demo data, told in the order it happened: the organisation tree of 4 December 2024
 * (../shared/domain/facts.md §6), the congresses of the 2025–2030 term, and what 2025 did to the tree (§5) — all
 * through the services, so the demo obeys every rule a user meets. History is recorded up to today in Vietnam.
 */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    const today = calendarDateIn('Asia/Ho_Chi_Minh');
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
