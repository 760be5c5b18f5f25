import fs from 'node:fs';
import { initOrm } from '../src/database/orm';
import { silentLogger } from '../src/common/log';

/**
 * DATABASE_URL may name a Unix socket's directory in its `host` parameter (node-postgres's form): the pool then talks
 * to PostgreSQL through the socket. Checked against the machine's PostgreSQL when it has its socket in the usual place
 * (CI's does: .ci/run runs the suite against it).
 */
const SOCKET_DIR = '/var/run/postgresql';
const hasSocket = fs.existsSync(`${SOCKET_DIR}/.s.PGSQL.5432`) && !!process.env.DATABASE_URL && new URL(process.env.DATABASE_URL).port === '5432';

(hasSocket ? it : it.skip)('connects through the Unix socket named by ?host=', async () => {
  const base = new URL(process.env.DATABASE_URL as string);
  const url = `postgres://${base.username}@localhost${base.pathname}?host=${encodeURIComponent(SOCKET_DIR)}`;
  const orm = await initOrm(url, { poolMax: 1, logger: silentLogger });
  try {
    // Over a Unix socket the server sees no client address.
    const [row] = (await orm.em.fork().getConnection().execute('select inet_client_addr() as addr')) as { addr: string | null }[];
    expect(row.addr).toBeNull();
  } finally {
    await orm.close();
  }
});
