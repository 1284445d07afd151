const PREFIX = '#/rooms/';

/** The room the address names (`/#/rooms/<id>`), if any. */
export function linkedRoom(): string | undefined {
  if (!location.hash.startsWith(PREFIX)) return undefined;
  const id = decodeURIComponent(location.hash.slice(PREFIX.length));
  return id === '' ? undefined : id;
}

/** Puts the open room in the address, so a reload (or a shared link) opens it again. */
export function linkTo(roomId: string): void {
  const hash = `${PREFIX}${encodeURIComponent(roomId)}`;
  if (location.hash !== hash) history.replaceState(null, '', hash);
}

/** Calls back when the user follows a room link or edits the address. */
export function onLinkFollowed(open: (roomId: string) => void): void {
  window.addEventListener('hashchange', () => {
    const id = linkedRoom();
    if (id) open(id);
  });
}
