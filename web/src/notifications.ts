import { byId } from './dom.js';

/**
 * Desktop notifications for mentions and direct messages, offered with a button (browsers allow
 * asking only from a user's gesture) and shown only while the tab is not being looked at.
 */
export class Notifications {
  private readonly offer = byId<HTMLButtonElement>('notify-enable');

  constructor() {
    this.offer.addEventListener('click', () => {
      void Notification.requestPermission().then(() => this.refresh());
    });
    this.refresh();
  }

  private get supported(): boolean {
    return typeof Notification !== 'undefined';
  }

  refresh(): void {
    this.offer.hidden = !this.supported || Notification.permission !== 'default';
  }

  show(title: string, body: string, onClick: () => void): void {
    if (!this.supported || Notification.permission !== 'granted' || document.visibilityState === 'visible') {
      return;
    }
    const notification = new Notification(title, { body, tag: title });
    notification.addEventListener('click', () => {
      window.focus();
      onClick();
      notification.close();
    });
  }
}
