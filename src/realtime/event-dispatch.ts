import type { Logger } from '@nestjs/common';
import type { MessageMappingProperties } from '@nestjs/websockets';
import { isObservable } from 'rxjs';
import type { Socket } from 'socket.io';
import { toApiError } from '../common/errors.js';
import type { EventsInFlight } from './graceful-shutdown.js';
import { errorAck } from './ws-exception.filter.js';

/** Splits an event's arguments into its data and its ack, as Nest's `IoAdapter.mapPayload` does. */
export type PayloadMapper = (payload: unknown) => { data?: unknown; ack?: Function };

/**
 * Binds a socket's gateway handlers through one listener for the whole socket, whatever the number
 * of gateways. Nest's `IoAdapter.bindMessageHandlers` builds an rxjs chain per socket per handler
 * (about 26 KB a socket, and as much again allocated per message); the answers here are the same:
 * each handler is Nest's own callback (guards, pipes and filters included), a non-nil result or
 * each value of an Observable is the ack (or an `{event, data}` emit), a failure is logged, and
 * nothing is answered once the socket is gone. Every event runs inside `inFlight`'s count.
 */
export function bindEventHandlers(
  socket: Socket,
  handlers: MessageMappingProperties[],
  mapPayload: PayloadMapper,
  logger: Logger,
  inFlight: EventsInFlight,
): void {
  // Nest binds each gateway's handlers separately: a socket's later gateways join its first table.
  addToSocketList(tables, socket, handlers, (all) =>
    socket.onAny((event: string, ...args: unknown[]) => {
      const handler = all.find((h) => h.message === event);
      // Nest hands a handler one argument as itself and several as an array.
      if (handler)
        dispatch(socket, handler, mapPayload(args.length === 1 ? args[0] : args), logger, inFlight);
    }),
  );
}

/** Each socket's handlers, of every gateway, behind its one listener. */
const tables = new WeakMap<Socket, MessageMappingProperties[]>();

/**
 * Runs a socket's disconnect callbacks (one per gateway, from Nest) from one listener, instead of
 * one `once` listener per gateway per socket.
 */
export function bindDisconnect(socket: Socket, callback: (reason: string) => void): void {
  addToSocketList(departures, socket, [callback], (all) =>
    socket.once('disconnect', (reason: string) => {
      for (const run of all) run(reason);
    }),
  );
}

const departures = new WeakMap<Socket, ((reason: string) => void)[]>();

/** Appends to the socket's list; the first time, creates it and `listen`s for it, once per socket. */
function addToSocketList<T>(
  lists: WeakMap<Socket, T[]>,
  socket: Socket,
  items: T[],
  listen: (all: T[]) => void,
): void {
  const list = lists.get(socket);
  if (list) {
    list.push(...items);
    return;
  }
  const all = [...items];
  lists.set(socket, all);
  listen(all);
}

function dispatch(
  socket: Socket,
  handler: MessageMappingProperties,
  { data, ack }: ReturnType<PayloadMapper>,
  logger: Logger,
  inFlight: EventsInFlight,
): void {
  const answer = ack as ((response: unknown) => void) | undefined;
  let end: () => void;
  try {
    end = inFlight.start(socket, handler.message as string);
  } catch (refusal) {
    answer?.(errorAck(toApiError(refusal).body));
    return;
  }
  // The one place every answer passes.
  const respond = (response: unknown) => {
    if (response === null || response === undefined || !socket.connected) return;
    const { event, data: eventData } = response as { event?: string; data?: unknown };
    if (event) socket.emit(event, eventData);
    else if (!handler.isAckHandledManually) answer?.(response);
  };
  const fail = (error: unknown) => logger.error(error);
  let result: unknown;
  try {
    result = (handler.callback as (data: unknown, ack: unknown) => unknown)(data, ack);
  } catch (error) {
    end();
    fail(error);
    return;
  }
  // One `then` per event, not an async wrapper with its own catch and finally: each promise costs
  // every event its allocation (and, with async hooks on, theirs).
  Promise.resolve(result).then(
    (value: unknown) => {
      if (!isObservable(value)) {
        try {
          respond(value);
        } catch (error) {
          fail(error);
        } finally {
          end();
        }
        return;
      }
      value.subscribe({
        next: respond,
        error: (error: unknown) => {
          end();
          fail(error);
        },
        complete: end,
      });
    },
    (error: unknown) => {
      end();
      fail(error);
    },
  );
}
