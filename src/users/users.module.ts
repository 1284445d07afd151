import { Module } from '@nestjs/common';
import { PasswordHasher } from './password-hasher.js';
import { UsersService } from './users.service.js';

@Module({
  providers: [PasswordHasher, UsersService],
  exports: [UsersService],
})
export class UsersModule {}
