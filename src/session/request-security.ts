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

/**
 * The client's address of a raw request (Express or Engine.IO), as Express's `req.ip` computes it:
 * the first address in `X-Forwarded-For`, walking back from the peer, that is not a trusted proxy.
 */
export function clientAddressCheck(trustProxy: AppConfig['trustProxy']): (req: IncomingMessage) => string {
  const trust = expressTrust(trustProxy);
  return (req) => proxyaddr(req, trust);
}

/** Whether the immediate peer is a proxy we trust to tell us the original protocol. */
function compileTrust(trustProxy: AppConfig['trustProxy']): (address: string) => boolean {
  const trust = expressTrust(trustProxy);
  return (address) => address !== '' && trust(address, 0);
}

/** Express's `trust proxy` setting as proxy-addr's trust function (address, hop from the peer). */
function expressTrust(trustProxy: AppConfig['trustProxy']): (address: string, hop: number) => boolean {
  if (typeof trustProxy === 'boolean') return () => trustProxy;
  if (typeof trustProxy === 'number') return (_address, hop) => hop < trustProxy;
  return proxyaddr.compile(trustProxy);
}
