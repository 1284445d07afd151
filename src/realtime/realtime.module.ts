import { Module } from '@nestjs/common';
import { SocketSessions } from './socket-sessions.js';

@Module({
  providers: [SocketSessions],
  exports: [SocketSessions],
})
export class RealtimeModule {}
