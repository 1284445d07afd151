import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { Strategy } from 'passport-local';
import { AppException } from '../common/errors.js';
import { toPublicUser } from '../users/user-store.js';
import { UsersService } from '../users/users.service.js';
import type { AuthUser } from './auth-user.js';

@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly users: UsersService) {
    super({ usernameField: 'username', passwordField: 'password' });
  }

  async validate(username: string, password: string): Promise<AuthUser> {
    const user = await this.users.authenticate(username, password);
    if (!user) throw new AppException('INVALID_CREDENTIALS', 'Invalid username or password');
    return { ...toPublicUser(user), epoch: user.authEpoch, loggedInAt: Date.now() };
  }
}
