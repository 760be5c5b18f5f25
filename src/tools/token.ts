import 'reflect-metadata';
import { parseArgs } from 'node:util';
import { loadConfig } from '../config';
import { todayFn } from '../common/dates';
import { systemViewer, type Role } from '../common/kernel';
import { createLogger } from '../common/log';
import { openDatabase } from '../database';
import { newToken } from '../access/access.tokens';
import { listPrincipals } from '../access/principal.repository';
import { ALL_ROLES, createPrincipal, revokePrincipalById } from '../access/principal.service';
import { sqlOf } from '../common/sql';

const USAGE = `usage:
  npm run token -- create --role ADMIN|EDITOR|VIEWER|PUBLIC [--scope CODE] --name NAME [--expires YYYY-MM-DD]
  npm run token -- revoke --name NAME
  npm run token -- list
  npm run token -- new            (prints a fresh random token, e.g. for BOOTSTRAP_TOKEN; touches no database)
The database is DATABASE_URL's, else the embedded one under DATA_DIR (stop the server first: one process owns it).`;

function fail(message: string): never {
  process.stderr.write(`token: ${message}\n${USAGE}\n`);
  process.exit(2);
}

/** `npm run token -- …`: principals and tokens from the command line, through the same service as the API. */
async function main() {
  const { positionals, values } = parseArgs({
    allowPositionals: true,
    options: { role: { type: 'string' }, scope: { type: 'string' }, name: { type: 'string' }, expires: { type: 'string' } },
  });
  const command = positionals[0];
  if (command === 'new') {
    process.stdout.write(`${newToken()}\n`);
    return;
  }
  if (!['create', 'revoke', 'list'].includes(command ?? '')) fail(command ? `unknown command "${command}"` : 'a command is required');
  const role = values.role?.toUpperCase() as Role | undefined;
  if (command === 'create') {
    if (!role || !ALL_ROLES.includes(role)) fail('--role must be ADMIN, EDITOR, VIEWER or PUBLIC');
    if (!values.name) fail('--name is required');
  }
  if (command === 'revoke' && !values.name) fail('--name is required');
  let expiresAt: Date | null = null;
  if (values.expires) {
    expiresAt = new Date(/^\d{4}-\d{2}-\d{2}$/.test(values.expires) ? `${values.expires}T00:00:00+07:00` : values.expires);
    if (Number.isNaN(expiresAt.getTime())) fail('--expires must be a date (YYYY-MM-DD, midnight in Vietnam) or an ISO instant');
  }

  const config = { ...loadConfig(), seedDemo: false, bootstrapToken: undefined };
  const logger = createLogger('warn');
  const today = todayFn(config.today, config.timeZone);
  const db = await openDatabase(config, logger, today);
  try {
    const run = <T>(operation: string, work: Parameters<typeof db.kernel.withTransaction<T>>[1]) =>
      db.kernel.withTransaction<T>({ operation, viewer: systemViewer('npm run token'), today: today() }, work);
    if (command === 'list') {
      const { rows } = await listPrincipals(sqlOf(db.orm.em.fork()), { first: 1000, after: null, includeRevoked: false });
      const codes = new Map(
        (await sqlOf(db.orm.em.fork())<{ id: string; code: string }>(`select id, code from organization where id = any(?::uuid[])`, [rows.flatMap((p) => (p.scopeId ? [p.scopeId] : []))])).map((o) => [o.id, o.code]),
      );
      for (const p of rows) process.stdout.write(`${p.role.padEnd(7)} ${p.name}${p.scopeId ? `  (scope ${codes.get(p.scopeId) ?? p.scopeId})` : ''}  created ${p.createdAt.toISOString()}\n`);
      return;
    }
    const outcome = await run(command!, async (tx) => {
      if (command === 'revoke') {
        // Names are not unique: every live principal of that name goes, with every token of it.
        const found = await tx.sql<{ id: string }>(`select id from principal where name = ? and revoked_at is null`, [values.name]);
        if (!found.length) return { error: `no live principal named "${values.name}"` };
        for (const p of found) await revokePrincipalById(tx, p.id);
        return { message: `revoked ${found.length} principal${found.length > 1 ? 's' : ''} named "${values.name}" and every token of ${found.length > 1 ? 'them' : 'it'}` };
      }
      let scopeId: string | null = null;
      if (values.scope) {
        const [o] = await tx.sql<{ id: string }>(`select id from organization where code = ?`, [values.scope.trim().toUpperCase()]);
        if (!o) return { error: `no organisation with code "${values.scope}"` };
        scopeId = o.id;
      }
      const made = await createPrincipal(tx, { name: values.name!, role: role!, scopeId, expiresAt });
      return { message: made.token };
    }).catch((err: unknown) => {
      const errors = (err as { errors?: { code: string; message: string }[] }).errors;
      if (errors) return { error: errors.map((e) => `${e.code}: ${e.message}`).join('; ') };
      throw err;
    });
    if ('error' in outcome) {
      process.stderr.write(`token: ${outcome.error}\n`);
      process.exitCode = 1;
    } else {
      process.stdout.write(`${outcome.message}\n`);
      if (command === 'create') process.stderr.write('token: shown this once; only its hash is kept. Send it as "Authorization: Bearer <token>".\n');
    }
  } finally {
    await db.close();
  }
}

main().catch((err) => {
  process.stderr.write(`token failed: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(2);
});
