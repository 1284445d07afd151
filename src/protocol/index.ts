/** The wire contract of Tether: what servers, the web app, tests and client packages share. */
export * from './errors.js';
export * from './http.js';
export * from './limits.js';
export * from './models.js';
export * from './socket.js';
