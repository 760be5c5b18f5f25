import { Migration20261127000001_organization_tree } from './Migration20261127000001_organization_tree';
import { Migration20261128000002_congress } from './Migration20261128000002_congress';

/** Every migration, in order. Listed explicitly so compiled and TypeScript runs apply the same set. */
export const migrationsList = [
  { name: 'Migration20261127000001_organization_tree', class: Migration20261127000001_organization_tree },
  { name: 'Migration20261128000002_congress', class: Migration20261128000002_congress },
];
