/** The wire contract of Tether: what servers, the web app, tests and client packages share. */
export * from './errors.js';
export * from './health.js';
export * from './http.js';
export * from './limits.js';
export * from './models.js';
export * from './routes.js';
export * from './socket.js';
export * from './version.js';
