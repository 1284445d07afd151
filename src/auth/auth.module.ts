import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthenticatedGuard } from './authenticated.guard.js';
import { LoginGuard } from './login.guard.js';
import { LoginLimiter } from './login-limiter.js';
import { PASSPORT, passportProvider } from './passport.provider.js';

@Module({
  imports: [UsersModule],
  controllers: [AuthController],
  providers: [passportProvider, LoginGuard, LoginLimiter, AuthenticatedGuard],
  exports: [AuthenticatedGuard, UsersModule, PASSPORT],
})
export class AuthModule {}
