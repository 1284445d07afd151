import { Inject, Injectable } from '@nestjs/common';
import { LIMITS } from '../protocol/limits.js';
import type { Message } from '../protocol/models.js';
import { UsersService } from '../users/users.service.js';
import { READ_STATE_STORE, type ReadStateStore } from './read-state-store.js';
import { ROOM_STORE, type RoomStore } from './room-store.js';

/** `@name` where name could be a username, not inside a word or an e-mail address. */
const MENTION = /(?<![\w.@-])@([A-Za-z0-9_.-]+)/g;

/** Whether a text can mention anyone: most cannot, and need no scan, no lookups and no recording. */
export const mayMention = (text: string): boolean => text.includes('@');

/** The distinct usernames (lowercased) a text mentions, at most `LIMITS.mentionsPerMessageMax`. */
export function mentionedUsernames(text: string): string[] {
  if (!mayMention(text)) return [];
  const names = new Set<string>();
  for (const [, raw] of text.matchAll(MENTION)) {
    // A trailing dot is punctuation ("thanks @bob."), not part of the name.
    const name = raw.replace(/\.+$/, '').toLowerCase();
    if (name.length < LIMITS.usernameMin || name.length > LIMITS.usernameMax) continue;
    names.add(name);
    if (names.size === LIMITS.mentionsPerMessageMax) break;
  }
  return [...names];
}

/** Who a stored message mentions, among the users who can see its room; recorded for their counts. */
@Injectable()
export class Mentions {
  constructor(
    @Inject(ROOM_STORE) private readonly rooms: RoomStore,
    @Inject(READ_STATE_STORE) private readonly reads: ReadStateStore,
    private readonly users: UsersService,
  ) {}

  /** The ids of the users mentioned (never the author), after recording them. */
  async record(message: Message): Promise<string[]> {
    const names = mentionedUsernames(message.text);
    if (names.length === 0) return [];
    const room = await this.rooms.findById(message.roomId);
    if (!room) return [];
    const targets: string[] = [];
    for (const name of names) {
      const user = await this.users.findByUsername(name);
      if (!user || user.id === message.author.id) continue;
      if (room.visibility !== 'public' && !(await this.rooms.isMember(room.id, user.id))) continue;
      targets.push(user.id);
    }
    await this.reads.recordMentions(room.id, message.id, targets);
    return targets;
  }
}
