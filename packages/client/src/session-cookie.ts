import { SESSION_COOKIE } from './protocol.js';

/**
 * Outside a browser nobody keeps cookies for us: this holds the session cookie that login set,
 * follows every `Set-Cookie` for it (a rolled expiry, a cleared cookie on logout) and sends it back.
 */
export class SessionCookie {
  private value?: string;

  /** `onChange`: the session's cookie is another now (a login, a renewal, a logout). */
  constructor(private readonly onChange: (header: string | undefined) => void = () => undefined) {}

  /** `name=value`, for a `Cookie` header; undefined when there is no session. */
  get header(): string | undefined {
    return this.value;
  }

  update(headers: Headers): void {
    for (const line of headers.getSetCookie()) {
      const [pair, ...attributes] = line.split(';');
      const name = pair.slice(0, pair.indexOf('=')).trim();
      if (name !== SESSION_COOKIE.name && name !== SESSION_COOKIE.secureName) continue;
      this.set(isCleared(pair, attributes) ? undefined : pair.trim());
    }
  }

  clear(): void {
    this.set(undefined);
  }

  private set(value: string | undefined): void {
    if (value === this.value) return;
    this.value = value;
    this.onChange(value);
  }
}

function isCleared(pair: string, attributes: string[]): boolean {
  if (pair.trim().endsWith('=')) return true;
  return attributes.some((attribute) => {
    const [key, value = ''] = attribute.split('=').map((s) => s.trim());
    if (key.toLowerCase() === 'max-age') return Number(value) <= 0;
    if (key.toLowerCase() === 'expires') return Date.parse(value) <= Date.now();
    return false;
  });
}
