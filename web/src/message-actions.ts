import { byId, say } from './dom.js';
import type { ChatClient } from './chat-client.js';
import { errorText } from './chat-client.js';
import { lastOwn } from './message-changes.js';
import { picker } from './message-row.js';

/**
 * What a user does to messages in the open room: edit (the Edit button, or Up in an empty
 * composer for the last own message; Enter saves, Escape cancels), delete after a confirmation,
 * and reactions (the picker, or a reaction's toggle).
 */
export class MessageActions {
  private readonly text = byId<HTMLTextAreaElement>('composer-text');
  private readonly hint = byId('composer-editing');
  private readonly error = byId('composer-error');
  private editing?: { roomId: string; messageId: string };

  constructor(
    private readonly context: () => { client?: ChatClient; roomId?: string },
    list: HTMLElement,
  ) {
    list.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-action]');
      const row = button?.closest<HTMLLIElement>('li.message');
      if (button && row?.dataset.id) void this.act(button, row, row.dataset.id);
    });
    this.text.addEventListener('keydown', (event) => {
      if (event.key === 'ArrowUp' && this.text.value === '' && !this.editing) {
        const { client, roomId } = this.context();
        const state = roomId ? client?.rooms.get(roomId) : undefined;
        const message = state && client ? lastOwn(state, client.me.id) : undefined;
        if (message) {
          event.preventDefault();
          this.startEditing(message.roomId, message.id, message.text);
        }
      } else if (event.key === 'Escape' && this.editing) {
        event.preventDefault();
        this.stopEditing();
      }
    });
  }

  /** Called by the composer's submit: true when it saved an edit instead of sending. */
  submit(text: string): boolean {
    const editing = this.editing;
    const { client } = this.context();
    if (!editing || !client) return false;
    this.stopEditing();
    client
      .edit(editing.roomId, editing.messageId, text)
      .catch((error: unknown) => say(this.error, errorText(error)));
    return true;
  }

  /** The room changed: an edit under way is dropped. */
  reset(): void {
    if (this.editing) this.stopEditing();
  }

  private async act(button: HTMLButtonElement, row: HTMLLIElement, messageId: string): Promise<void> {
    const { client, roomId } = this.context();
    if (!client || !roomId) return;
    const message = client.rooms.get(roomId)?.messages.find((m) => m.id === messageId);
    if (!message) return;
    try {
      switch (button.dataset.action) {
        case 'edit':
          this.startEditing(roomId, messageId, message.text);
          return;
        case 'delete':
          if (window.confirm('Delete this message? Everyone will see that it was deleted.')) {
            await client.remove(roomId, messageId);
          }
          return;
        case 'react':
          if (row.querySelector('.picker')) row.querySelector('.picker')!.remove();
          else row.append(picker());
          return;
        case 'pick':
          await client.react(roomId, messageId, button.dataset.emoji ?? '', false);
          return;
        case 'toggle-reaction':
          await client.react(
            roomId,
            messageId,
            button.dataset.emoji ?? '',
            button.getAttribute('aria-pressed') === 'true',
          );
          return;
      }
    } catch (error) {
      say(this.error, errorText(error));
    }
  }

  private startEditing(roomId: string, messageId: string, text: string): void {
    this.editing = { roomId, messageId };
    this.text.value = text;
    say(this.hint, 'Editing your message: Enter saves, Escape cancels.');
    this.text.focus();
  }

  private stopEditing(): void {
    this.editing = undefined;
    this.text.value = '';
    say(this.hint, '');
  }
}
