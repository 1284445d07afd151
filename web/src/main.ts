import './zod-jitless.js';
import './styles.css';
import { TetherError, type User } from '@tether/client';
import { describeError, session } from './api.js';
import { AuthView } from './auth-view.js';
import { ChatClient, type ChatChange, type ConnectionState, type EndReason } from './chat-client.js';
import { ChatView } from './chat-view.js';
import { byId, field, say } from './dom.js';
import { applyLimits } from './limits.js';

const ENDED_NOTICE: Record<EndReason, string> = {
  logout: 'You were logged out because this session was logged out in another tab or window.',
  expired: 'Your session expired. Log in again.',
  password_changed: 'Your password was changed in another session. Log in with the new password.',
  revoked: 'Your session was ended by the server’s operator. Log in again.',
  disabled: 'Your account was disabled by the server’s operator.',
  unauthenticated: 'Your session has ended. Log in again.',
  server: 'The server closed the connection. Log in again.',
};

const CONNECTION_TEXT: Record<ConnectionState, string> = {
  connecting: 'Connecting…',
  connected: 'Connected',
  reconnecting: 'Connection lost. Reconnecting…',
  ended: 'Session ended',
};

const connection = byId('connection');
const account = byId('account');
const boot = byId('boot');
const passwordDialog = byId<HTMLDialogElement>('password-dialog');
const passwordForm = byId<HTMLFormElement>('password-form');
const passwordError = byId('password-error');

let client: ChatClient | undefined;
let loggingOut = false;

const auth = new AuthView((user) => void enterChat(user));
const chat = new ChatView((notice) => toLogin(notice));

function setConnection(state: ConnectionState, transport?: string): void {
  connection.hidden = false;
  connection.dataset.state = state;
  if (transport) connection.dataset.transport = transport;
  connection.textContent = CONNECTION_TEXT[state];
}

function onChange(change: ChatChange): void {
  if (change.type === 'connection') {
    setConnection(change.state, change.transport);
    if (change.state === 'connected') void chat.refreshRooms();
  } else if (change.type === 'ended') {
    if (loggingOut) return;
    setConnection('ended');
    if (change.reason === 'server') {
      // Disconnected without a session:ended: the session may still be good, so ask before leaving.
      session.client.me().then(
        () => {
          connection.textContent = 'Disconnected by the server. Reload the page to reconnect.';
        },
        () => toLogin(ENDED_NOTICE.server),
      );
      return;
    }
    toLogin(ENDED_NOTICE[change.reason]);
  } else {
    chat.handle(change);
  }
}

async function enterChat(user: User): Promise<void> {
  boot.hidden = true;
  auth.hide();
  client?.stop();
  client = new ChatClient(user, session.client, onChange);
  byId('whoami').textContent =
    user.displayName === user.username ? user.username : `${user.displayName} (@${user.username})`;
  account.hidden = false;
  await chat.show(client);
}

function toLogin(notice = ''): void {
  client?.stop();
  client = undefined;
  session.renew();
  boot.hidden = true;
  chat.hide();
  account.hidden = true;
  if (passwordDialog.open) passwordDialog.close();
  connection.hidden = connection.dataset.state !== 'ended';
  auth.show(notice);
}

byId('logout').addEventListener('click', () => {
  loggingOut = true;
  session.client
    .logout()
    .catch((error: unknown) => {
      if (!(error instanceof TetherError && error.status === 401)) throw error;
    })
    .then(
      () => {
        connection.dataset.state = 'offline';
        toLogin('You have logged out.');
      },
      (error: unknown) => say(byId('composer-error'), `Could not log out: ${describeError(error, 'login')}`),
    )
    .finally(() => {
      loggingOut = false;
    });
});

byId('password-open').addEventListener('click', () => {
  passwordForm.reset();
  say(passwordError, '');
  passwordDialog.showModal();
});
byId('password-cancel').addEventListener('click', () => passwordDialog.close());
passwordForm.addEventListener('submit', (event) => {
  event.preventDefault();
  const data = new FormData(passwordForm);
  say(passwordError, '');
  session.client.changePassword(field(data, 'currentPassword'), field(data, 'newPassword')).then(
    () => {
      passwordDialog.close();
      connection.textContent = 'Password changed. Your other sessions were logged out.';
    },
    (error: unknown) => {
      if (error instanceof TetherError && error.code === 'UNAUTHENTICATED') {
        toLogin(ENDED_NOTICE.unauthenticated);
        return;
      }
      say(passwordError, describeError(error, 'password'));
    },
  );
});

applyLimits(document);
session.client.me().then(
  (user) => enterChat(user),
  (error: unknown) =>
    toLogin(error instanceof TetherError && error.code === 'NETWORK' ? describeError(error, 'login') : ''),
);
