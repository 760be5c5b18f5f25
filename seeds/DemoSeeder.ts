import type { EntityManager } from '@mikro-orm/postgresql';
import { Seeder } from '@mikro-orm/seeder';
import { buildTree } from './tree-builder';
import { DEMO_RECORD_START, demoTree } from './demo-tree';

/** The demo data: the organisation tree of 4 December 2024 (../shared/domain/facts.md §6). */
export class DemoSeeder extends Seeder {
  async run(em: EntityManager): Promise<void> {
    await em.transactional((tem) => buildTree(tem as EntityManager, demoTree, { establishedOn: DEMO_RECORD_START }));
  }
}
