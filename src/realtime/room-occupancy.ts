import type { User } from '../protocol/models.js';

interface Occupant {
  user: User;
  sockets: number;
}

/**
 * This instance's sockets per room, counted per user: who is online in a room is read from here in
 * time proportional to the users named (at most the list cap), never to the sockets in the room.
 * Every change is synchronous, so two sockets of one user joining at once cannot both be first.
 */
export class RoomOccupancy {
  private readonly rooms = new Map<string, Map<string, Occupant>>();

  /** Counts one more socket of `user` in the room; true when it is the user's first here. */
  add(roomId: string, user: User): boolean {
    let occupants = this.rooms.get(roomId);
    if (!occupants) {
      occupants = new Map();
      this.rooms.set(roomId, occupants);
    }
    const occupant = occupants.get(user.id);
    if (occupant) {
      occupant.sockets += 1;
      return false;
    }
    occupants.set(user.id, { user, sockets: 1 });
    return true;
  }

  /** Counts one socket of the user less; true when it was the user's last here. */
  remove(roomId: string, userId: string): boolean {
    const occupants = this.rooms.get(roomId);
    const occupant = occupants?.get(userId);
    if (!occupants || !occupant) return false;
    if (--occupant.sockets > 0) return false;
    occupants.delete(userId);
    if (occupants.size === 0) this.rooms.delete(roomId);
    return true;
  }

  has(roomId: string, userId: string): boolean {
    return this.rooms.get(roomId)?.has(userId) === true;
  }

  /** The room's users, at most `max` of them. */
  users(roomId: string, max: number): User[] {
    const users: User[] = [];
    for (const { user } of this.rooms.get(roomId)?.values() ?? []) {
      if (users.length >= max) break;
      users.push(user);
    }
    return users;
  }
}
