import { randomUUID } from 'node:crypto';
import type { Sqlite } from '../storage/sqlite.js';
import { GENERAL_ROOM_ID } from '../protocol/limits.js';
import type { Room, RoomVisibility } from '../protocol/models.js';
import { OwnedRoomLimitError } from './room-store.js';
import type { NewRoom, RoomPage, RoomStore } from './room-store.js';

interface RoomRow {
  id: string;
  name: string;
  visibility: RoomVisibility;
  owner_id: string;
  created_at: string;
}

const fromRow = (row: RoomRow): Room => ({
  id: row.id,
  name: row.name,
  visibility: row.visibility,
  ownerId: row.owner_id,
  createdAt: row.created_at,
});

export class SqliteRoomStore implements RoomStore {
  private readonly insertRoom;
  private readonly insertMember;
  private readonly byId;
  private readonly visibleTo;
  private readonly member;
  private readonly ownedBy;
  private readonly createWithOwner;

  constructor(db: Sqlite) {
    this.insertRoom = db.prepare<[string, string, RoomVisibility, string, string]>(
      `INSERT OR IGNORE INTO rooms (id, name, visibility, owner_id, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.insertMember = db.prepare<[string, string]>(
      `INSERT OR IGNORE INTO room_members (room_id, user_id) VALUES (?, ?)`,
    );
    this.byId = db.prepare<[string], RoomRow>(`SELECT * FROM rooms WHERE id = ?`);
    // No cursor reads as ('', ''): every room sorts after it.
    this.visibleTo = db.prepare<[string, string, string, number], RoomRow>(
      `SELECT * FROM rooms
        WHERE (visibility = 'public' OR id IN (SELECT room_id FROM room_members WHERE user_id = ?))
          AND (created_at, id) > (?, ?)
        ORDER BY created_at, id
        LIMIT ?`,
    );
    this.ownedBy = db.prepare<[string], { n: number }>(`SELECT count(*) AS n FROM rooms WHERE owner_id = ?`);
    this.member = db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM room_members WHERE room_id = ? AND user_id = ?`,
    );
    this.createWithOwner = db.transaction((room: Room, maxOwned: number): boolean => {
      if (this.ownedBy.get(room.ownerId)!.n >= maxOwned) return false;
      this.insertRoom.run(room.id, room.name, room.visibility, room.ownerId, room.createdAt);
      this.insertMember.run(room.id, room.ownerId);
      return true;
    });
  }

  async create(input: NewRoom, maxOwned = Number.POSITIVE_INFINITY): Promise<Room> {
    const room: Room = { id: randomUUID(), createdAt: new Date().toISOString(), ...input };
    // IMMEDIATE takes the write lock before the count, so processes sharing the file serialize here.
    if (!this.createWithOwner.immediate(room, maxOwned)) throw new OwnedRoomLimitError(maxOwned);
    return room;
  }

  async findById(id: string): Promise<Room | null> {
    const row = this.byId.get(id);
    return row ? fromRow(row) : null;
  }

  async listVisibleTo(userId: string, { after, limit }: RoomPage): Promise<Room[]> {
    return this.visibleTo.all(userId, after?.createdAt ?? '', after?.id ?? '', limit).map(fromRow);
  }

  async addMember(roomId: string, userId: string): Promise<void> {
    this.insertMember.run(roomId, userId);
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return this.member.get(roomId, userId) !== undefined;
  }

  async ensureGeneral(): Promise<Room> {
    this.insertRoom.run(GENERAL_ROOM_ID, 'general', 'public', 'system', new Date().toISOString());
    return fromRow(this.byId.get(GENERAL_ROOM_ID)!);
  }
}
