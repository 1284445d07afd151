/**
 * The wire contract, re-exported from the server's `src/protocol/`: one definition of every
 * route, event, schema, error code and limit, compiled into this package's build.
 */
export * from '../../../src/protocol/index.js';
