import type { NestExpressApplication } from '@nestjs/platform-express';
import type { HelmetOptions } from 'helmet';
import type { AppConfig } from '../config/config.js';

/** helmet settings for the API and the web app it serves. */
export function helmetOptions(_config: AppConfig): HelmetOptions {
  return {};
}

/** Serves the built web app (login form and chat) at `/`. */
export function serveWebApp(_app: NestExpressApplication, _config: AppConfig): void {}
