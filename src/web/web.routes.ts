import fs from 'node:fs';
import path from 'node:path';
import express from 'express';
import { WEB_PREFIX, webDist, type WebApp } from './web.paths';

/**
 * The browser apps, as src/web/build.ts left them in dist/web: the dashboard at `/`, GraphiQL at `/graphiql`, their
 * files under `/web/<app>/`. Pages are never cached (they name the current hashed files); hashed files are cached
 * for a year. Every answer carries a Content-Security-Policy that allows this server only: nothing the pages load
 * may come from elsewhere (the service runs on closed networks).
 */

/** A hashed file name as the build writes them (`main-7KX2QZ3A.js`, `codicon-37A3DWZT.ttf`). */
const HASHED = /-[A-Z0-9]{8}\.[a-z0-9]+$/;
/** A Host header fit to be repeated in the policy (a name or address, an optional port). */
const HOST = /^(?:[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::\d{1,5})?$/;

/**
 * The policy: this origin only, plus websockets to this host (graphql-ws subscriptions); no inline script nor event
 * handler anywhere. The dashboard allows no inline style either (it styles through the CSSOM, which the policy does
 * not restrict); Monaco (GraphiQL's editor) needs inline styles and may start workers from blob: URLs, so GraphiQL
 * and the assets under /web (workers take their policy from their script's answer) allow them. Images may be data:
 * or blob: (charts, icons).
 */
export function contentSecurityPolicy(host: string | undefined, page: 'dashboard' | 'other' = 'other'): string {
  const sockets = host && HOST.test(host) ? ` ws://${host} wss://${host}` : '';
  return [
    "default-src 'self'",
    "script-src 'self'",
    `connect-src 'self'${sockets}`,
    "img-src 'self' data: blob:",
    "font-src 'self' data:",
    page === 'dashboard' ? "style-src 'self'" : "style-src 'self' 'unsafe-inline'",
    "worker-src 'self' blob:",
    "object-src 'none'",
    "base-uri 'self'",
    "form-action 'self'",
    "frame-ancestors 'none'",
  ].join('; ');
}

const MISSING = (dir: string) =>
  `The web pages are not built (no index.html in ${dir}): run npm run build:web (npm run build and npm start include it).\nThe API itself works: POST /graphql.\n`;

export interface WebRoutesOptions {
  /** The built apps' folder; default: dist/web under the project root. */
  dir?: string;
}

export function webRoutes(opts: WebRoutesOptions = {}): express.Router {
  const dir = opts.dir ?? webDist();
  const router = express.Router();

  const secure = (page?: 'dashboard'): express.RequestHandler => (req, res, next) => {
    res.setHeader('Content-Security-Policy', contentSecurityPolicy(req.headers.host, page));
    res.setHeader('X-Content-Type-Options', 'nosniff');
    res.setHeader('Referrer-Policy', 'same-origin');
    next();
  };

  const pageOf = (app: WebApp): express.RequestHandler => (_req, res, next) => {
    const file = path.join(dir, app, 'index.html');
    if (!fs.existsSync(file)) {
      res.status(503).type('text/plain; charset=utf-8').setHeader('Cache-Control', 'no-store');
      res.send(MISSING(path.join(dir, app)));
      return;
    }
    res.setHeader('Cache-Control', 'no-cache');
    res.sendFile(file, { dotfiles: 'deny' }, (err) => err && next(err));
  };
  router.get('/', secure('dashboard'), pageOf('dashboard'));
  router.get('/graphiql', secure(), pageOf('graphiql'));

  router.use(
    WEB_PREFIX,
    secure(),
    express.static(dir, {
      index: false,
      redirect: false,
      dotfiles: 'ignore',
      fallthrough: true,
      setHeaders(res, file) {
        res.setHeader('Cache-Control', HASHED.test(file) ? 'public, max-age=31536000, immutable' : 'no-cache');
      },
    }),
  );
  return router;
}
