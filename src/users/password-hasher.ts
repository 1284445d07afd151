import { Injectable, OnModuleInit } from '@nestjs/common';
import argon2 from 'argon2';

/** OWASP's minimum for argon2id: 19 MiB, 2 passes, 1 lane. */
const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

@Injectable()
export class PasswordHasher implements OnModuleInit {
  /** Verified against when the user does not exist, so both failures cost the same time. */
  private dummyHash: string;

  async onModuleInit(): Promise<void> {
    this.dummyHash = await argon2.hash('tether-dummy-password-for-timing', OPTIONS);
  }

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  /** `hash` undefined means "no such user": the work is done anyway and the answer is false. */
  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      const ok = await argon2.verify(hash ?? this.dummyHash, password);
      return ok && hash !== undefined;
    } catch {
      return false;
    }
  }
}
