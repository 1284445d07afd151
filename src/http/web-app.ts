import { Logger } from '@nestjs/common';
import type { NestExpressApplication } from '@nestjs/platform-express';
import type { ServerResponse } from 'node:http';
import { existsSync } from 'node:fs';
import { join, sep } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { HelmetOptions } from 'helmet';

/**
 * Where `npm run build` puts the web app: `dist/public` next to the compiled `dist/web/`, or,
 * when the server runs from its sources (tests), `<repo>/dist/public`.
 */
const PUBLIC_DIR_CANDIDATES = [
  new URL('../public', import.meta.url),
  new URL('../../dist/public', import.meta.url),
];

/**
 * helmet settings for the API and the web app it serves: helmet's defaults with a CSP that allows
 * nothing but our own scripts, styles and connections (no inline code, no CDN).
 */
export function helmetOptions(): HelmetOptions {
  return {
    contentSecurityPolicy: {
      useDefaults: true,
      directives: {
        defaultSrc: ["'self'"],
        scriptSrc: ["'self'"],
        styleSrc: ["'self'"],
        imgSrc: ["'self'", 'data:'],
        fontSrc: ["'self'"],
        // CSP3: 'self' also matches ws:/wss: on the same host and port, which Chromium honours.
        connectSrc: ["'self'"],
        manifestSrc: ["'self'"],
        // The page only loads same-origin relative URLs, so upgrading gains nothing behind HTTPS,
        // and over plain http (http://localhost) it would break every request.
        upgradeInsecureRequests: null,
      },
    },
  };
}

/**
 * Serves the built web app (login form and chat) at `/`. Only files that exist are served; every
 * other request (the API, `/socket.io/`) falls through untouched.
 */
export function serveWebApp(app: NestExpressApplication): void {
  const dir = PUBLIC_DIR_CANDIDATES.map((url) => fileURLToPath(url)).find((path) =>
    existsSync(`${path}${sep}index.html`),
  );
  if (dir === undefined) {
    new Logger('WebApp').warn(
      'web app not built (no dist/public/index.html): run `npm run build`; serving the API only',
    );
    return;
  }
  // Vite puts content-hashed files here, so they may be cached for good.
  const hashedAssets = join(dir, 'assets') + sep;
  app.useStaticAssets(dir, {
    index: 'index.html',
    redirect: false,
    dotfiles: 'ignore',
    fallthrough: true,
    setHeaders: (res: ServerResponse, path: string) => {
      res.setHeader(
        'Cache-Control',
        path.startsWith(hashedAssets) ? 'public, max-age=31536000, immutable' : 'no-cache',
      );
    },
  });
}
