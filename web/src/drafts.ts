/**
 * What the user typed in each room and did not send, kept per tab (sessionStorage) so switching
 * rooms or reloading loses nothing; another user logging in on this tab sees none of it.
 */
export class Drafts {
  constructor(private readonly userId: string) {}

  private key(roomId: string): string {
    return `tether.draft.${this.userId}.${roomId}`;
  }

  get(roomId: string): string {
    return sessionStorage.getItem(this.key(roomId)) ?? '';
  }

  set(roomId: string, text: string): void {
    if (text === '') sessionStorage.removeItem(this.key(roomId));
    else sessionStorage.setItem(this.key(roomId), text);
  }
}
