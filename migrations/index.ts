import { Migration20261127000001_organization_tree } from './Migration20261127000001_organization_tree';
import { Migration20261128000002_congress } from './Migration20261128000002_congress';
import { Migration20261128000003_restructuring } from './Migration20261128000003_restructuring';
import { Migration20261128000004_progress } from './Migration20261128000004_progress';
import { Migration20261129000005_progress_held_late } from './Migration20261129000005_progress_held_late';
import { Migration20261129000006_congress_rules } from './Migration20261129000006_congress_rules';
import { Migration20261129000007_restructuring_roles } from './Migration20261129000007_restructuring_roles';
import { Migration20261129000008_audit } from './Migration20261129000008_audit';
import { Migration20261129000009_dated_values } from './Migration20261129000009_dated_values';
import { Migration20261129000010_congress_scheduled_on } from './Migration20261129000010_congress_scheduled_on';
import { Migration20261129000011_participant_follows } from './Migration20261129000011_participant_follows';
import { Migration20261129000012_access } from './Migration20261129000012_access';
import { Migration20261129000013_risk } from './Migration20261129000013_risk';
import { Migration20261129000014_readiness } from './Migration20261129000014_readiness';
import { Migration20261129000015_data_version } from './Migration20261129000015_data_version';
import { Migration20261129000016_overdue_index } from './Migration20261129000016_overdue_index';
import { Migration20261129000017_dated_change_index } from './Migration20261129000017_dated_change_index';

/** Every migration, in order. Listed explicitly so compiled and TypeScript runs apply the same set. */
export const migrationsList = [
  { name: 'Migration20261127000001_organization_tree', class: Migration20261127000001_organization_tree },
  { name: 'Migration20261128000002_congress', class: Migration20261128000002_congress },
  { name: 'Migration20261128000003_restructuring', class: Migration20261128000003_restructuring },
  { name: 'Migration20261128000004_progress', class: Migration20261128000004_progress },
  { name: 'Migration20261129000005_progress_held_late', class: Migration20261129000005_progress_held_late },
  { name: 'Migration20261129000006_congress_rules', class: Migration20261129000006_congress_rules },
  { name: 'Migration20261129000007_restructuring_roles', class: Migration20261129000007_restructuring_roles },
  { name: 'Migration20261129000008_audit', class: Migration20261129000008_audit },
  { name: 'Migration20261129000009_dated_values', class: Migration20261129000009_dated_values },
  { name: 'Migration20261129000010_congress_scheduled_on', class: Migration20261129000010_congress_scheduled_on },
  { name: 'Migration20261129000011_participant_follows', class: Migration20261129000011_participant_follows },
  { name: 'Migration20261129000012_access', class: Migration20261129000012_access },
  { name: 'Migration20261129000013_risk', class: Migration20261129000013_risk },
  { name: 'Migration20261129000014_readiness', class: Migration20261129000014_readiness },
  { name: 'Migration20261129000015_data_version', class: Migration20261129000015_data_version },
  { name: 'Migration20261129000016_overdue_index', class: Migration20261129000016_overdue_index },
  { name: 'Migration20261129000017_dated_change_index', class: Migration20261129000017_dated_change_index },
];
