import fs from 'node:fs';
import path from 'node:path';

/**
 * Where the built browser apps live: `dist/web` under the project root (the folder holding package.json), whether
 * the code runs compiled from `dist/src/...` (npm start), from `src/...` under ts-jest, or bundled (src/web/build.ts).
 */
export function projectRoot(from: string = __dirname): string {
  for (let dir = path.resolve(from); ; dir = path.dirname(dir)) {
    if (fs.existsSync(path.join(dir, 'package.json'))) return dir;
    if (path.dirname(dir) === dir) throw new Error(`No package.json above ${from}: cannot find the project root.`);
  }
}

/** The build's output: `dist/web/<app>/` (index.html and hashed assets). */
export function webDist(root: string = projectRoot()): string {
  return path.join(root, 'dist', 'web');
}

/** The URL prefix the built assets are served under (`/web/dashboard/main-XXXXXXXX.js`). */
export const WEB_PREFIX = '/web';

/** The browser apps: their source folder under src/web and their output folder under dist/web. */
export const WEB_APPS = ['dashboard', 'graphiql'] as const;
export type WebApp = (typeof WEB_APPS)[number];

/** The README examples the GraphiQL bundle embeds, as the build wrote them (compared with the README by test/web.test.ts). */
export const README_EXAMPLES_FILE = path.join('graphiql', 'readme-examples.json');
