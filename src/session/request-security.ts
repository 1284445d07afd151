import type { IncomingMessage } from 'node:http';
import type { TLSSocket } from 'node:tls';
import proxyaddr from 'proxy-addr';
import type { AppConfig } from '../config/config.js';

/**
 * Decides whether a raw request (Express or Engine.IO) reached us over HTTPS. Engine.IO requests
 * never pass through Express, so `app.set('trust proxy')` does not reach them; this does the same
 * check from the configured trust setting for both.
 */
export function secureRequestCheck(trustProxy: AppConfig['trustProxy']): (req: IncomingMessage) => boolean {
  const trusts = compileTrust(trustProxy);
  return (req) => {
    if ((req.socket as TLSSocket).encrypted) return true;
    if (!trusts(req.socket.remoteAddress ?? '')) return false;
    const header = req.headers['x-forwarded-proto'];
    const proto = (Array.isArray(header) ? header[0] : header)?.split(',')[0].trim().toLowerCase();
    return proto === 'https';
  };
}

/** Whether the immediate peer is a proxy we trust to tell us the original protocol. */
function compileTrust(trustProxy: AppConfig['trustProxy']): (address: string) => boolean {
  if (trustProxy === true) return () => true;
  if (trustProxy === false) return () => false;
  if (typeof trustProxy === 'number') return () => trustProxy > 0;
  const trust = proxyaddr.compile(trustProxy);
  return (address) => address !== '' && trust(address, 0);
}
