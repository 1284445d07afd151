import type { HttpApi } from './http.js';

/** How a client's socket proves who it is; HTTP always uses the session (or the token where allowed). */
export type SocketAuth = 'cookie' | 'ticket' | 'token';

/** A token is used for this share of its life, then replaced by a fresh one before it expires. */
const TOKEN_USE_SHARE = 0.8;
/**
 * The server counts `expiresIn` from the start of the second it issued the token in, so a token
 * may expire up to a second sooner than `expiresIn` says; renewal keeps clear of that and more.
 */
const EXPIRY_SLACK_MS = 1_500;

/**
 * Credentials for clients without cookies, minted from the session: a one-time ticket for every
 * handshake, or an access token renewed before it expires (unless the application gave one, which
 * then lives and dies as given).
 */
export class Credentials {
  private minted?: { value: string; renewAt: number };

  constructor(
    private readonly http: HttpApi,
    private readonly given?: string,
  ) {}

  /** The token HTTP may send as a bearer: the given one, or the last one minted. */
  get bearer(): string | undefined {
    return this.given ?? this.minted?.value;
  }

  /** Whether a refused token can be replaced by minting another from the session. */
  get canMint(): boolean {
    return this.given === undefined;
  }

  async ticket(): Promise<string> {
    return (await this.http.call('wsTicket')).ticket;
  }

  /** A token good for a while yet: minted again once it has used up its share of life. */
  async token(): Promise<string> {
    if (this.given !== undefined) return this.given;
    if (!this.minted || Date.now() >= this.minted.renewAt) {
      const { accessToken, expiresIn } = await this.http.call('token');
      const life = expiresIn * 1000;
      this.minted = {
        value: accessToken,
        renewAt: Date.now() + Math.max(0, Math.min(life * TOKEN_USE_SHARE, life - EXPIRY_SLACK_MS)),
      };
    }
    return this.minted.value;
  }

  /** Milliseconds until the current minted token should be replaced, if there is one to replace. */
  get renewInMs(): number | undefined {
    return this.minted && this.canMint ? Math.max(0, this.minted.renewAt - Date.now()) : undefined;
  }

  forget(): void {
    this.minted = undefined;
  }
}
