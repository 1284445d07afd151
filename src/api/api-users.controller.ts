import { Body, Controller, HttpCode, Param, Post, UseGuards } from '@nestjs/common';
import { ZodValidationPipe } from '../common/zod-validation.pipe.js';
import { EmptyBodySchema, RegisterSchema, SetPasswordSchema, UsernamePathSchema } from '../protocol/http.js';
import type { RegisterInput, SetPasswordInput } from '../protocol/http.js';
import type { User } from '../protocol/models.js';
import { AccountOperations } from './account-operations.js';
import { ApiKeyGuard } from './api-key.guard.js';

const Username = new ZodValidationPipe(UsernamePathSchema);
const Empty = new ZodValidationPipe(EmptyBodySchema);

/** The server API on accounts (`ROUTES.api*User*`). */
@Controller('api/users')
@UseGuards(ApiKeyGuard)
export class ApiUsersController {
  constructor(private readonly accounts: AccountOperations) {}

  @Post()
  async create(@Body(new ZodValidationPipe(RegisterSchema)) input: RegisterInput): Promise<{ user: User }> {
    return { user: await this.accounts.create(input) };
  }

  @Post(':username/unlock')
  @HttpCode(204)
  unlock(@Param(Username) { username }: { username: string }, @Body(Empty) _body: unknown) {
    return this.accounts.unlock(username);
  }

  @Post(':username/disable')
  @HttpCode(204)
  disable(@Param(Username) { username }: { username: string }, @Body(Empty) _body: unknown) {
    return this.accounts.disable(username);
  }

  @Post(':username/enable')
  @HttpCode(204)
  enable(@Param(Username) { username }: { username: string }, @Body(Empty) _body: unknown) {
    return this.accounts.enable(username);
  }

  @Post(':username/sessions/revoke')
  @HttpCode(204)
  revoke(@Param(Username) { username }: { username: string }, @Body(Empty) _body: unknown) {
    return this.accounts.revokeSessions(username);
  }

  @Post(':username/password')
  @HttpCode(204)
  password(
    @Param(Username) { username }: { username: string },
    @Body(new ZodValidationPipe(SetPasswordSchema)) input: SetPasswordInput,
  ) {
    return this.accounts.resetPassword(username, input.newPassword);
  }
}
