import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthenticatedGuard, SessionGuard } from './authenticated.guard.js';
import { LoginGuard } from './login.guard.js';
import { LoginLimiter } from './login-limiter.js';
import { PASSPORT, passportProvider } from './passport.provider.js';
import { WsCredentialsModule } from './ws-credentials.module.js';

@Module({
  imports: [UsersModule, WsCredentialsModule],
  controllers: [AuthController],
  providers: [passportProvider, LoginGuard, LoginLimiter, AuthenticatedGuard, SessionGuard],
  exports: [AuthenticatedGuard, SessionGuard, UsersModule, PASSPORT],
})
export class AuthModule {}
