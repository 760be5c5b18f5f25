import { defineConfig } from '@mikro-orm/postgresql';
import { Migrator } from '@mikro-orm/migrations';
import { SeedManager } from '@mikro-orm/seeder';
import { migrationsList } from './migrations';
import { Congress, CongressEvent, Term, TermCalendarEntry } from './src/congress/congress.entity';
import { Organization, OrganizationPlacement } from './src/organization/organization.entity';
import { OrganizationLineage, Restructuring, RestructuringEvent, RestructuringParticipant } from './src/restructuring/restructuring.entity';

/** Every entity, listed here (MikroORM's guide); the runtime adds the connection URL and pool size. */
export const entities = [
  Organization,
  OrganizationPlacement,
  Term,
  TermCalendarEntry,
  Congress,
  CongressEvent,
  Restructuring,
  RestructuringParticipant,
  RestructuringEvent,
  OrganizationLineage,
];

export default defineConfig({
  entities,
  clientUrl: process.env.DATABASE_URL,
  extensions: [Migrator, SeedManager],
  discovery: { warnWhenNoEntities: true },
  migrations: {
    migrationsList,
    tableName: 'mikro_orm_migrations',
    transactional: true,
    allOrNothing: true,
    snapshot: false,
  },
  seeder: { path: 'seeds', pathTs: 'seeds', defaultSeeder: 'DemoSeeder' },
  forceUtcTimezone: true,
  debug: false,
});
