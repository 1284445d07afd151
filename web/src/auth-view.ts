import { TetherError, type User } from '@tether/client';
import { describeError, session } from './api.js';
import { byId, field, say } from './dom.js';

const REGISTER_FIELDS = ['username', 'displayName', 'password'] as const;

/** The login and registration forms. `onLoggedIn` runs once the session cookie is set. */
export class AuthView {
  private readonly screen = byId('auth-screen');
  private readonly notice = byId('auth-notice');
  private readonly title = byId('auth-title');
  private readonly loginForm = byId<HTMLFormElement>('login-form');
  private readonly registerForm = byId<HTMLFormElement>('register-form');
  private readonly loginError = byId('login-error');
  private readonly registerError = byId('register-error');
  private registrationOpen = true;

  constructor(private readonly onLoggedIn: (user: User) => void) {
    this.loginForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.login();
    });
    this.registerForm.addEventListener('submit', (event) => {
      event.preventDefault();
      void this.register();
    });
    void this.checkRegistration();
    for (const button of this.screen.querySelectorAll<HTMLButtonElement>('[data-show]')) {
      button.addEventListener('click', () =>
        this.showForm(button.dataset.show === 'register' ? 'register' : 'login'),
      );
    }
  }

  /** Shows the login form, with `notice` explaining why when a session just ended. */
  show(notice = ''): void {
    this.screen.hidden = false;
    say(this.notice, notice);
    this.loginForm.reset();
    this.registerForm.reset();
    this.clearRegisterErrors();
    say(this.loginError, '');
    say(this.registerError, '');
    this.showForm('login');
  }

  hide(): void {
    this.screen.hidden = true;
  }

  /** With `REGISTRATION=closed` there is no form to offer, only how to get an account. */
  private async checkRegistration(): Promise<void> {
    try {
      this.registrationOpen = (await session.client.request('registration')).registration === 'open';
    } catch {
      return; // The form stays; registering would say what is wrong.
    }
    byId('register-switch').hidden = !this.registrationOpen;
    byId('registration-closed').hidden = this.registrationOpen;
    if (!this.registrationOpen && !this.registerForm.hidden) this.showForm('login');
  }

  private showForm(which: 'login' | 'register'): void {
    if (!this.registrationOpen) which = 'login';
    this.loginForm.hidden = which !== 'login';
    this.registerForm.hidden = which !== 'register';
    this.title.textContent = which === 'login' ? 'Log in to Tether' : 'Create a Tether account';
    document.title = which === 'login' ? 'Log in – Tether' : 'Create account – Tether';
    byId(`${which}-username`).focus();
  }

  private async login(): Promise<void> {
    const data = new FormData(this.loginForm);
    const username = field(data, 'username').trim();
    const password = field(data, 'password');
    say(this.loginError, '');
    await this.busy(this.loginForm, async () => {
      try {
        this.onLoggedIn(await session.client.login(username, password));
      } catch (error) {
        say(this.loginError, describeError(error, 'login'));
        const passwordInput = byId<HTMLInputElement>('login-password');
        if (error instanceof TetherError && error.code === 'INVALID_CREDENTIALS') {
          passwordInput.value = '';
          passwordInput.focus();
        }
      }
    });
  }

  private async register(): Promise<void> {
    const data = new FormData(this.registerForm);
    const username = field(data, 'username').trim();
    const password = field(data, 'password');
    const displayName = field(data, 'displayName').trim();
    this.clearRegisterErrors();
    say(this.registerError, '');
    await this.busy(this.registerForm, async () => {
      try {
        await session.client.register({ username, password, ...(displayName ? { displayName } : {}) });
        this.onLoggedIn(await session.client.login(username, password));
      } catch (error) {
        say(this.registerError, describeError(error, 'register'));
        if (!(error instanceof TetherError)) return;
        const fields =
          error.code === 'CONFLICT'
            ? [{ field: 'username', message: 'is already taken' }]
            : error.fieldErrors;
        let first: HTMLElement | undefined;
        for (const { field, message } of fields) {
          const input = document.getElementById(`register-${field}`) as HTMLInputElement | null;
          const slot = document.getElementById(`register-${field}-error`);
          if (!input || !slot) continue;
          input.setAttribute('aria-invalid', 'true');
          say(slot, `${input.labels?.[0]?.firstChild?.textContent?.trim() ?? field} ${message}.`);
          first ??= input;
        }
        first?.focus();
      }
    });
  }

  private clearRegisterErrors(): void {
    for (const field of REGISTER_FIELDS) {
      byId(`register-${field}`).removeAttribute('aria-invalid');
      say(byId(`register-${field}-error`), '');
    }
  }

  private async busy(form: HTMLFormElement, work: () => Promise<void>): Promise<void> {
    const submit = form.querySelector<HTMLButtonElement>('button[type="submit"]');
    form.setAttribute('aria-busy', 'true');
    if (submit) submit.disabled = true;
    try {
      await work();
    } finally {
      form.removeAttribute('aria-busy');
      if (submit) submit.disabled = false;
    }
  }
}
