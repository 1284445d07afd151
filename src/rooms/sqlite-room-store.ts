import { randomUUID } from 'node:crypto';
import { limitParam, type Sqlite } from '../storage/sqlite.js';
import { GENERAL_ROOM_ID } from '../protocol/limits.js';
import type { Room } from '../protocol/models.js';
import { directKey, fromDirectKey } from './direct-key.js';
import { OwnedRoomLimitError } from './room-store.js';
import type { LeaveOutcome, MemberPage, NewRoom, RoomChanges, RoomPage, RoomStore } from './room-store.js';

interface RoomRow {
  id: string;
  name: string;
  visibility: 'public' | 'private';
  owner_id: string;
  created_at: string;
  topic: string | null;
  direct_key: string | null;
}

/** Direct rooms are stored private, with their pair's key (see the migration). */
const fromRow = (row: RoomRow): Room => ({
  id: row.id,
  name: row.name,
  visibility: row.direct_key === null ? row.visibility : 'direct',
  ownerId: row.owner_id,
  createdAt: row.created_at,
  ...(row.topic ? { topic: row.topic } : {}),
});

const now = () => new Date().toISOString();

export class SqliteRoomStore implements RoomStore {
  private readonly insertRoom;
  private readonly insertDirect;
  private readonly insertMember;
  private readonly byId;
  private readonly byDirectKey;
  private readonly visibleTo;
  private readonly member;
  private readonly ownedBy;
  private readonly createWithOwner;
  private readonly rename;
  private readonly setTopic;
  private readonly deleteMember;
  private readonly firstMember;
  private readonly setOwner;
  private readonly archive;
  private readonly membersPage;
  private readonly departure;
  private readonly openPair;

  constructor(db: Sqlite) {
    this.insertRoom = db.prepare<[string, string, string, string, string]>(
      `INSERT OR IGNORE INTO rooms (id, name, visibility, owner_id, created_at) VALUES (?, ?, ?, ?, ?)`,
    );
    this.insertDirect = db.prepare<[string, string, string, string, string]>(
      `INSERT INTO rooms (id, name, visibility, owner_id, created_at, direct_key) VALUES (?, ?, 'private', ?, ?, ?)
       ON CONFLICT (direct_key) WHERE direct_key IS NOT NULL DO NOTHING`,
    );
    this.insertMember = db.prepare<[string, string, string]>(
      `INSERT OR IGNORE INTO room_members (room_id, user_id, joined_at) VALUES (?, ?, ?)`,
    );
    this.byId = db.prepare<[string], RoomRow>(`SELECT * FROM rooms WHERE id = ?`);
    this.byDirectKey = db.prepare<[string], RoomRow>(`SELECT * FROM rooms WHERE direct_key = ?`);
    // No cursor reads as ('', ''): every room sorts after it.
    this.visibleTo = db.prepare<[string, string, string, number], RoomRow>(
      `SELECT * FROM rooms
        WHERE (visibility = 'public' OR id IN (SELECT room_id FROM room_members WHERE user_id = ?))
          AND archived_at IS NULL
          AND (created_at, id) > (?, ?)
        ORDER BY created_at, id
        LIMIT ${limitParam()}`,
    );
    this.ownedBy = db.prepare<[string], { n: number }>(
      `SELECT count(*) AS n FROM rooms WHERE owner_id = ? AND archived_at IS NULL`,
    );
    this.member = db.prepare<[string, string], { one: number }>(
      `SELECT 1 AS one FROM room_members WHERE room_id = ? AND user_id = ?`,
    );
    this.createWithOwner = db.transaction((room: Room, maxOwned: number): boolean => {
      if (this.ownedBy.get(room.ownerId)!.n >= maxOwned) return false;
      this.insertRoom.run(room.id, room.name, room.visibility, room.ownerId, room.createdAt);
      this.insertMember.run(room.id, room.ownerId, room.createdAt);
      return true;
    });
    this.rename = db.prepare<[string, string]>(`UPDATE rooms SET name = ? WHERE id = ?`);
    this.setTopic = db.prepare<[string | null, string]>(`UPDATE rooms SET topic = ? WHERE id = ?`);
    this.deleteMember = db.prepare<[string, string]>(
      `DELETE FROM room_members WHERE room_id = ? AND user_id = ?`,
    );
    this.firstMember = db.prepare<[string], { user_id: string }>(
      `SELECT user_id FROM room_members WHERE room_id = ? ORDER BY joined_at, user_id LIMIT 1`,
    );
    this.setOwner = db.prepare<[string, string]>(`UPDATE rooms SET owner_id = ? WHERE id = ?`);
    this.archive = db.prepare<[string, string]>(`UPDATE rooms SET archived_at = ? WHERE id = ?`);
    this.membersPage = db.prepare<[string, string, number], { user_id: string }>(
      `SELECT user_id FROM room_members WHERE room_id = ? AND user_id > ? ORDER BY user_id LIMIT ${limitParam()}`,
    );
    this.departure = db.transaction((roomId: string, userId: string): LeaveOutcome => {
      const row = this.byId.get(roomId);
      if (!row || this.deleteMember.run(roomId, userId).changes === 0) return { left: false };
      const heir = this.firstMember.get(roomId);
      if (!heir) {
        this.archive.run(now(), roomId);
        return { left: true, archived: true };
      }
      if (row.owner_id === userId) this.setOwner.run(heir.user_id, roomId);
      return { left: true, room: fromRow(this.byId.get(roomId)!) };
    });
    this.openPair = db.transaction((room: Room, key: string, members: string[]) => {
      const created =
        this.insertDirect.run(room.id, room.name, room.ownerId, room.createdAt, key).changes > 0;
      const stored = this.byDirectKey.get(key)!;
      for (const userId of members) this.insertMember.run(stored.id, userId, stored.created_at);
      return { room: fromRow(stored), created };
    });
  }

  async create(input: NewRoom, maxOwned = Number.POSITIVE_INFINITY): Promise<Room> {
    const room: Room = { id: randomUUID(), createdAt: now(), ...input };
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

  async addMember(roomId: string, userId: string): Promise<boolean> {
    return this.insertMember.run(roomId, userId, now()).changes > 0;
  }

  async isMember(roomId: string, userId: string): Promise<boolean> {
    return this.member.get(roomId, userId) !== undefined;
  }

  async openDirect(openerId: string, peerId: string, name: string) {
    const room: Room = {
      id: randomUUID(),
      name,
      visibility: 'direct',
      ownerId: openerId,
      createdAt: now(),
    };
    // The unique pair key settles concurrent openings; IMMEDIATE keeps the read beside the insert.
    return this.openPair.immediate(room, directKey(openerId, peerId), [openerId, peerId]);
  }

  async directPair(roomId: string): Promise<[string, string] | null> {
    const row = this.byId.get(roomId);
    return row?.direct_key ? fromDirectKey(row.direct_key, row.owner_id) : null;
  }

  async update(roomId: string, changes: RoomChanges): Promise<Room | null> {
    if (changes.name !== undefined) this.rename.run(changes.name, roomId);
    if (changes.topic !== undefined) this.setTopic.run(changes.topic || null, roomId);
    return this.findById(roomId);
  }

  async removeMember(roomId: string, userId: string): Promise<boolean> {
    return this.deleteMember.run(roomId, userId).changes > 0;
  }

  async leave(roomId: string, userId: string): Promise<LeaveOutcome> {
    return this.departure.immediate(roomId, userId);
  }

  async listMembers(roomId: string, { after, limit }: MemberPage): Promise<string[]> {
    return this.membersPage.all(roomId, after ?? '', limit).map((row) => row.user_id);
  }

  async ensureGeneral(): Promise<Room> {
    this.insertRoom.run(GENERAL_ROOM_ID, 'general', 'public', 'system', now());
    return fromRow(this.byId.get(GENERAL_ROOM_ID)!);
  }
}
