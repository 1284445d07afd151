export { TetherClient } from './client.js';
export type { ConnectionState, SessionEnd, TetherClientOptions, TetherEvents } from './client.js';
export type { SocketAuth } from './credentials.js';
export { TetherError } from './errors.js';
export type { ClientErrorCode } from './errors.js';
export type { RequestOf, ResponseOf } from './http.js';
export { newClientMsgId } from './ids.js';
export type { RoomUpdate } from './rooms.js';
export * from './protocol.js';
