import fs from 'node:fs';
import path from 'node:path';

/**
 * The import rules of the layout (DESIGN.md, issue 9): features record domain changes and know nothing of who listens
 * (no feature imports the roll-up), features never import the server (Context lives in src/common), src/common imports
 * no feature at runtime (types only), and migrations are frozen SQL (nothing from src/).
 */

const ROOT = path.resolve(__dirname, '..');

function filesUnder(dir: string): string[] {
  return fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true }).flatMap((e) => {
    const rel = path.join(dir, e.name);
    return e.isDirectory() ? filesUnder(rel) : rel.endsWith('.ts') ? [rel] : [];
  });
}

/** Every `from '…'` of a file, resolved against the repository root, with whether it is type-only. */
function importsOf(file: string): { target: string; typeOnly: boolean }[] {
  const text = fs.readFileSync(path.join(ROOT, file), 'utf8');
  const out: { target: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^(import|export)(\s+type)?[^;]*?from\s+'([^']+)'/gms)) {
    const spec = m[3];
    if (!spec.startsWith('.')) continue;
    out.push({ target: path.relative(ROOT, path.resolve(ROOT, path.dirname(file), spec)), typeOnly: !!m[2] });
  }
  return out;
}

const FEATURES = ['organization', 'congress', 'restructuring', 'progress', 'audit', 'live', 'node'];
const offenders = (files: string[], bad: (target: string, typeOnly: boolean) => boolean) =>
  files.flatMap((f) => importsOf(f).filter((i) => bad(i.target, i.typeOnly)).map((i) => `${f} → ${i.target}`));

describe('import rules', () => {
  it('the tree, congresses and restructurings import nothing from the roll-up (src/progress)', () => {
    const files = ['organization', 'congress', 'restructuring'].flatMap((d) => filesUnder(`src/${d}`));
    expect(files.length).toBeGreaterThan(20);
    expect(offenders(files, (t) => t.startsWith('src/progress'))).toEqual([]);
  });

  it('no feature imports the server (src/server)', () => {
    const files = FEATURES.filter((d) => fs.existsSync(path.join(ROOT, 'src', d))).flatMap((d) => filesUnder(`src/${d}`));
    expect(offenders(files, (t) => t.startsWith('src/server'))).toEqual([]);
  });

  it('src/common imports no feature at runtime (types only)', () => {
    expect(offenders(filesUnder('src/common'), (t, typeOnly) => !typeOnly && FEATURES.some((d) => t.startsWith(`src/${d}/`)))).toEqual([]);
  });

  it('migrations import nothing from src/', () => {
    expect(offenders(filesUnder('migrations'), (t) => t.startsWith('src'))).toEqual([]);
  });
});
