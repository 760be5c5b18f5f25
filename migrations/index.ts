import { Migration20261127000001_organization_tree } from './Migration20261127000001_organization_tree';
import { Migration20261128000002_congress } from './Migration20261128000002_congress';
import { Migration20261128000003_restructuring } from './Migration20261128000003_restructuring';
import { Migration20261128000004_progress } from './Migration20261128000004_progress';

/** Every migration, in order. Listed explicitly so compiled and TypeScript runs apply the same set. */
export const migrationsList = [
  { name: 'Migration20261127000001_organization_tree', class: Migration20261127000001_organization_tree },
  { name: 'Migration20261128000002_congress', class: Migration20261128000002_congress },
  { name: 'Migration20261128000003_restructuring', class: Migration20261128000003_restructuring },
  { name: 'Migration20261128000004_progress', class: Migration20261128000004_progress },
];
