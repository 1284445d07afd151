import { Inject, Injectable } from '@nestjs/common';
import { errors, jwtVerify, SignJWT } from 'jose';
import { randomUUID } from 'node:crypto';
import { z } from 'zod';
import { AppException } from '../common/errors.js';
import { APP_CONFIG, type AppConfig } from '../config/config.js';
import { SECRETS, type Secrets } from '../config/secrets.js';

/** The only algorithm accepted, on signing and on verifying alike: no `none`, no key confusion. */
const ALGORITHM = 'HS256';
const MAX_TOKEN_LENGTH = 4096;

const ClaimsSchema = z.object({
  sub: z.string().min(1).max(128),
  sid: z.string().min(1).max(128),
  epoch: z.number().int().nonnegative(),
  jti: z.string().min(1).max(128),
  iat: z.number().int(),
  exp: z.number().int(),
});

/** The claims of a Tether access token. */
export type AccessClaims = z.output<typeof ClaimsSchema>;

export interface TokenSubject {
  userId: string;
  epoch: number;
  /** Hash of the issuing session's id. */
  sessionHash: string;
  /** The issuing session's absolute end (ms); no token outlives it. */
  sessionExpiresAt: number;
}

/**
 * Short-lived HS256 access tokens (jose), signed with `Secrets.jwtKey`: JWT_SECRET, or outside
 * production a key derived from the session secret, so every instance sharing DATA_DIR agrees on it.
 */
@Injectable()
export class TokenService {
  private readonly key: Uint8Array;

  constructor(
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    @Inject(SECRETS) secrets: Secrets,
  ) {
    this.key = secrets.jwtKey;
  }

  async issue(subject: TokenSubject): Promise<{ accessToken: string; expiresIn: number }> {
    const iat = Math.floor(Date.now() / 1000);
    const exp = Math.min(iat + this.config.tokenTtlSec, Math.floor(subject.sessionExpiresAt / 1000));
    const accessToken = await new SignJWT({ sid: subject.sessionHash, epoch: subject.epoch })
      .setProtectedHeader({ alg: ALGORITHM, typ: 'JWT' })
      .setSubject(subject.userId)
      .setJti(randomUUID())
      .setIssuedAt(iat)
      .setExpirationTime(exp)
      .sign(this.key);
    return { accessToken, expiresIn: exp - iat };
  }

  /**
   * Checks signature, algorithm, expiry and claim shape (not the user or session: see
   * CredentialVerifier). Throws TOKEN_EXPIRED for an expired token, TOKEN_INVALID for anything else.
   */
  async verify(token: unknown): Promise<AccessClaims> {
    if (typeof token !== 'string' || token.length === 0 || token.length > MAX_TOKEN_LENGTH) {
      throw invalid();
    }
    try {
      const { payload } = await jwtVerify(token, this.key, {
        algorithms: [ALGORITHM],
        requiredClaims: ['sub', 'sid', 'epoch', 'jti', 'iat', 'exp'],
      });
      const claims = ClaimsSchema.safeParse(payload);
      if (!claims.success) throw invalid();
      return claims.data;
    } catch (error) {
      if (error instanceof errors.JWTExpired) throw new AppException('TOKEN_EXPIRED');
      throw invalid();
    }
  }
}

const invalid = () => new AppException('TOKEN_INVALID');
