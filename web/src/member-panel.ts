import type { Room, User } from '@tether/client';
import { describeError, session } from './api.js';
import { byId, el, field, say } from './dom.js';

/**
 * The open room's members, and what its owner or a member may do about them: remove (owner,
 * private rooms), leave (private rooms), rename and set the topic (owner).
 */
export class MemberPanel {
  private readonly list = byId<HTMLUListElement>('member-list');
  private readonly status = byId('member-panel-status');
  private readonly leave = byId<HTMLButtonElement>('room-leave');
  private readonly settings = byId<HTMLFormElement>('room-settings');
  private room?: Room;
  private me?: User;

  constructor(private readonly onError: (error: unknown, where: HTMLElement) => void) {
    this.leave.addEventListener('click', () => void this.leaveRoom());
    this.settings.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.save();
    });
    this.list.addEventListener('click', (event) => {
      const button = (event.target as HTMLElement).closest<HTMLButtonElement>('button[data-remove]');
      if (button) void this.remove(button.dataset.remove ?? '');
    });
  }

  async show(room: Room, me: User): Promise<void> {
    this.room = room;
    this.me = me;
    const owner = room.ownerId === me.id;
    this.leave.hidden = room.visibility !== 'private';
    this.settings.hidden = !owner || room.visibility === 'direct';
    byId<HTMLInputElement>('settings-name').value = room.name;
    byId<HTMLInputElement>('settings-topic').value = room.topic ?? '';
    say(this.status, '');
    await this.refresh();
  }

  async refresh(): Promise<void> {
    const room = this.room;
    if (!room || !this.me) return;
    try {
      const { members } = await session.client.request('roomMembers', { params: { id: room.id } });
      if (this.room !== room) return;
      const removable = room.visibility === 'private' && room.ownerId === this.me.id;
      this.list.replaceChildren(
        ...members.map((u) =>
          el(
            'li',
            { 'data-user-id': u.id },
            u.id === this.me!.id ? `${u.displayName} (you)` : u.displayName,
            u.id === room.ownerId && room.visibility !== 'direct'
              ? el('span', { className: 'tag' }, 'owner')
              : '',
            removable && u.id !== this.me!.id
              ? el(
                  'button',
                  { type: 'button', className: 'link-button', 'data-remove': u.username },
                  `Remove ${u.username}`,
                )
              : '',
          ),
        ),
      );
    } catch (error) {
      this.onError(error, this.status);
    }
  }

  private async remove(username: string): Promise<void> {
    if (!this.room) return;
    try {
      await session.client.request('removeMember', { params: { id: this.room.id, username } });
      say(this.status, `Removed ${username}.`);
      await this.refresh();
    } catch (error) {
      this.onError(error, this.status);
    }
  }

  private async leaveRoom(): Promise<void> {
    if (!this.room) return;
    try {
      await session.client.request('leaveRoom', { params: { id: this.room.id } });
    } catch (error) {
      this.onError(error, this.status);
    }
  }

  private async save(): Promise<void> {
    if (!this.room) return;
    const data = new FormData(this.settings);
    try {
      await session.client.request('updateRoom', {
        params: { id: this.room.id },
        body: { name: field(data, 'name').trim(), topic: field(data, 'topic').trim() },
      });
      say(this.status, 'Saved.');
    } catch (error) {
      say(this.status, describeError(error, 'room'));
    }
  }
}
