import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { calendarDateIn } from '../src/common/dates';
import { seedDemoCongresses } from './demo-congresses';
import { DEMO_RECORD_START, demoTree } from './demo-tree';
import { buildTree } from './tree-builder';

/**
 * The demo data: the organisation tree of 4 December 2024 (../shared/domain/facts.md §6) and the congresses of the
 * 2025–2030 term as far as 2025 went. History is recorded up to the real calendar date in Vietnam.
 */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    const today = calendarDateIn('Asia/Ho_Chi_Minh');
    await em.transactional(async (tem) => {
      const ids = await buildTree(tem as EntityManager, demoTree, { establishedOn: DEMO_RECORD_START });
      await seedDemoCongresses(tem as EntityManager, demoTree, ids, today);
    });
  }
}
