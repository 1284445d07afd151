/**
 * The version of the wire contract (HTTP and `/chat`), `MAJOR.MINOR.PATCH`; docs/protocol.md
 * ("Versioning") says which change bumps which part. Served by `GET /protocol` and as `info.version`
 * of both specifications, so a client can refuse a server whose major it does not speak.
 */
export const PROTOCOL_VERSION = '1.2.0';

/** The major a version string belongs to (`'1.4.2'` -> `1`); `NaN` for anything else. */
export const majorOf = (version: string): number => Number(/^(\d+)\.\d+\.\d+$/.exec(version)?.[1]);

/** Where a server publishes the contract: the specifications (generated at build) and their readable page. */
export const SPEC_URLS = {
  openapi: '/openapi.json',
  asyncapi: '/asyncapi.json',
  docs: '/docs/',
} as const;
