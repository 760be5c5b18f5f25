import type { EmbeddedPostgres } from '../../src/database/embedded';

export default async function globalTeardown(): Promise<void> {
  await (globalThis as { __daihoiEmbedded?: EmbeddedPostgres }).__daihoiEmbedded?.stop();
}
