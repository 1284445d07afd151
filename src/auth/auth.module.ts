import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module.js';
import { AuthController } from './auth.controller.js';
import { CredentialsModule } from '../credentials/credentials.module.js';
import { AuthenticatedGuard } from './authenticated.guard.js';
import { CredentialsController } from './credentials.controller.js';
import { LoginGuard } from './login.guard.js';
import { LoginLimiter } from './login-limiter.js';
import { PASSPORT, passportProvider } from './passport.provider.js';
import { RegistrationLimiter } from './registration-limiter.js';
import { SessionGuard } from './session.guard.js';
import { SessionRenewal } from './session-renewal.js';

@Module({
  imports: [UsersModule, CredentialsModule],
  controllers: [AuthController, CredentialsController],
  providers: [
    passportProvider,
    LoginGuard,
    LoginLimiter,
    RegistrationLimiter,
    AuthenticatedGuard,
    SessionGuard,
    SessionRenewal,
  ],
  exports: [AuthenticatedGuard, SessionGuard, UsersModule, PASSPORT, LoginLimiter],
})
export class AuthModule {}
