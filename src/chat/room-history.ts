import { Injectable } from '@nestjs/common';
import { LIMITS } from '../protocol/limits.js';
import type { MessageQuery } from '../rooms/message-store.js';
import { MessageChangesService } from '../rooms/message-changes.service.js';
import { RoomsService } from '../rooms/rooms.service.js';
import { changesSince, type ChangesPage } from './change-catch-up.js';
import { catchUp, historyPage, type HistoryPage } from './history-budget.js';

/** The history pages of `room:join` and `messages:fetch`: by id (`after`, `before`) or by change (`since`). */
@Injectable()
export class RoomHistory {
  constructor(
    private readonly rooms: RoomsService,
    private readonly changes: MessageChangesService,
  ) {}

  /** `room:join`: the latest, those after `after`, or the changes since `since`; always a `position`. */
  async join(roomId: string, cursor: { after?: string; since?: string }): Promise<ChangesPage> {
    const read = (query: MessageQuery) => this.rooms.history(roomId, query);
    if (cursor.since !== undefined) return this.since(roomId, cursor.since, LIMITS.joinCatchUpMax);
    // Read before the page: every change up to it is in what the page shows.
    const position = await this.changes.head(roomId);
    const page = cursor.after
      ? await catchUp(read, cursor.after)
      : await historyPage(read, { limit: LIMITS.joinLatest });
    return { ...page, position };
  }

  /** `messages:fetch`: a page by id, or the changes since `since` (with their `position`). */
  async fetch(roomId: string, query: MessageQuery & { since?: string }): Promise<HistoryPage | ChangesPage> {
    const { since, ...byId } = query;
    if (since !== undefined) return this.since(roomId, since, query.limit);
    return historyPage((q) => this.rooms.history(roomId, q), byId);
  }

  private since(roomId: string, since: string, max: number): Promise<ChangesPage> {
    return changesSince(
      {
        head: () => this.changes.head(roomId),
        changesSince: (from, upTo, limit) => this.changes.changesSince(roomId, from, upTo, limit),
        latest: () => historyPage((q) => this.rooms.history(roomId, q), { limit: LIMITS.joinLatest }),
      },
      since,
      max,
    );
  }
}
