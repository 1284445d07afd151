import type { IncomingMessage } from 'node:http';
import type { AppConfig } from '../config/config.js';
import { secureRequestCheck } from '../session/request-security.js';

/**
 * The one allowlist of exact origins for both transports (CSRF and cross-site WebSocket hijacking).
 * Without ALLOWED_ORIGINS it holds the server's own origin, as seen in the request's Host header.
 */
export class OriginPolicy {
  private readonly allowlist: ReadonlySet<string>;
  private readonly isSecure: (req: IncomingMessage) => boolean;

  constructor(config: Pick<AppConfig, 'allowedOrigins' | 'trustProxy'>) {
    this.allowlist = new Set(config.allowedOrigins);
    this.isSecure = secureRequestCheck(config.trustProxy);
  }

  /** Origins other than our own that may call us with credentials (for CORS). */
  get explicitOrigins(): string[] {
    return [...this.allowlist];
  }

  isAllowedOrigin(origin: string, req: IncomingMessage): boolean {
    if (this.allowlist.size > 0) return this.allowlist.has(origin);
    const host = req.headers.host;
    return host !== undefined && origin === `${this.isSecure(req) ? 'https' : 'http'}://${host}`;
  }

  /**
   * Whether a browser marked this request as coming from another site. Requests with neither
   * `Origin` nor `Sec-Fetch-Site` (native clients, curl) are not cross-origin by this test.
   */
  isCrossOrigin(req: IncomingMessage): boolean {
    const origin = req.headers.origin;
    if (origin !== undefined) {
      if (!this.isAllowedOrigin(origin, req)) return true;
      // An origin the operator listed explicitly may be another site on purpose.
      if (this.allowlist.has(origin)) return false;
    }
    return req.headers['sec-fetch-site'] === 'cross-site';
  }
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export function isUnsafeMethod(method: string | undefined): boolean {
  return !SAFE_METHODS.has(method ?? 'GET');
}
