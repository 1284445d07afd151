import type { Message } from '@tether/client';
import { describeError, session } from './api.js';
import { byId, el, formatTime, say } from './dom.js';

/** The search box: results of `GET /search`, each opening its room at that message. */
export class SearchView {
  private readonly form = byId<HTMLFormElement>('search-form');
  private readonly input = byId<HTMLInputElement>('search-q');
  private readonly results = byId<HTMLUListElement>('search-results');
  private readonly status = byId('search-status');

  constructor(
    private readonly roomName: (roomId: string) => string,
    private readonly open: (roomId: string, messageId: string) => Promise<void>,
  ) {
    this.form.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.search();
    });
  }

  private async search(): Promise<void> {
    const q = this.input.value.trim();
    this.results.replaceChildren();
    if (q === '') return say(this.status, '');
    say(this.status, 'Searching…');
    try {
      const { results } = await session.client.search(q);
      say(this.status, results.length === 0 ? 'No messages found.' : `${results.length} found.`);
      this.results.replaceChildren(...results.map((m) => this.result(m)));
    } catch (error) {
      say(this.status, describeError(error, 'room'));
    }
  }

  private result(message: Message): HTMLLIElement {
    const button = el(
      'button',
      { type: 'button', className: 'search-result', 'data-message-id': message.id },
      el('span', { className: 'search-room' }, `# ${this.roomName(message.roomId)}`),
      ' ',
      el('span', { className: 'search-author' }, message.author.displayName),
      ' ',
      el('time', { datetime: message.createdAt }, formatTime(message.createdAt)),
      el('span', { className: 'search-text' }, message.text),
    );
    button.addEventListener('click', () => void this.open(message.roomId, message.id));
    return el('li', {}, button);
  }
}
