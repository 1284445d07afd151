import { Module } from '@nestjs/common';
import { PassportModule } from '@nestjs/passport';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { AuthenticatedGuard } from './authenticated.guard.js';
import { LocalStrategy } from './local.strategy.js';
import { LoginGuard } from './login.guard.js';
import { LoginLimiter, memoryRateLimiterFactory, RATE_LIMITER_FACTORY } from './login-limiter.js';
import { SessionSerializer } from './session.serializer.js';

@Module({
  imports: [UsersModule, PassportModule.register({ session: true })],
  controllers: [AuthController],
  providers: [
    LocalStrategy,
    SessionSerializer,
    LoginGuard,
    LoginLimiter,
    AuthenticatedGuard,
    { provide: RATE_LIMITER_FACTORY, useValue: memoryRateLimiterFactory },
  ],
  exports: [AuthenticatedGuard, UsersModule],
})
export class AuthModule {}
