import { Migration20261127000001_organization_tree } from './Migration20261127000001_organization_tree';

/** Every migration, in order. Listed explicitly so compiled and TypeScript runs apply the same set. */
export const migrationsList = [
  { name: 'Migration20261127000001_organization_tree', class: Migration20261127000001_organization_tree },
];
