import type { Message, User } from '@tether/client';
import { el, formatTime } from './dom.js';
import { renderText } from './message-render.js';

/** The emoji the picker offers; any single emoji is accepted by the server. */
export const PICKER_EMOJI = ['👍', '❤️', '😂', '🎉', '😮', '😢', '🙏', '👀'];

/**
 * One stored message as a list item: author, time, "(edited)", its text rendered safely (or the
 * tombstone's notice), its reactions as toggles, and what this user may do with it.
 */
export function messageRow(message: Message, me: User, roomOwnerId: string, key: string): HTMLLIElement {
  const own = message.author.id === me.id;
  const row = el(
    'li',
    {
      className: ['message', own ? 'own' : '', message.deleted ? 'deleted' : ''].filter(Boolean).join(' '),
      'data-key': key,
      'data-id': message.id,
      'data-rev': message.rev,
      'data-state': 'sent',
    },
    el(
      'p',
      { className: 'meta' },
      el(
        'span',
        { className: 'author' },
        own ? `${message.author.displayName} (you)` : message.author.displayName,
      ),
      ' ',
      el('time', { datetime: message.createdAt }, formatTime(message.createdAt)),
      message.editedAt
        ? el('span', { className: 'edited', title: `Edited ${formatTime(message.editedAt)}` }, ' (edited)')
        : '',
    ),
    message.deleted
      ? el('p', { className: 'text tombstone' }, 'This message was deleted.')
      : el('p', { className: 'text' }, ...renderText(message.text)),
  );
  if (message.deleted) return row;
  if (message.reactions?.length) {
    row.append(
      el(
        'ul',
        { className: 'reactions', 'aria-label': 'Reactions' },
        ...message.reactions.map((r) => {
          const mine = r.users.some((u) => u.id === me.id);
          const names = r.users.map((u) => u.displayName).join(', ');
          return el(
            'li',
            {},
            el(
              'button',
              {
                type: 'button',
                className: 'reaction',
                'data-action': 'toggle-reaction',
                'data-emoji': r.emoji,
                'aria-pressed': String(mine),
                title: r.count > r.users.length ? `${names} and others` : names,
              },
              `${r.emoji} ${r.count}`,
            ),
          );
        }),
      ),
    );
  }
  const actions = el('div', { className: 'message-actions' });
  actions.append(action('react', 'React'));
  if (own) actions.append(action('edit', 'Edit'));
  if (own || roomOwnerId === me.id) actions.append(action('delete', 'Delete'));
  row.append(actions);
  return row;
}

/** The emoji picker of one message, shown under it until one is chosen. */
export function picker(): HTMLElement {
  return el(
    'div',
    { className: 'picker', role: 'group', 'aria-label': 'Choose a reaction' },
    ...PICKER_EMOJI.map((emoji) =>
      el(
        'button',
        { type: 'button', 'data-action': 'pick', 'data-emoji': emoji, 'aria-label': `React ${emoji}` },
        emoji,
      ),
    ),
  );
}

function action(name: string, label: string): HTMLButtonElement {
  return el('button', { type: 'button', className: 'link-button', 'data-action': name }, label);
}
