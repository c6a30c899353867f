/**
 * @module embedded/mailer
 * The mail port of the embedded backend. It never sends real mail: the default
 * writes each message as a JSON file to `<dir>/outbox/` (where a developer can
 * find the verification link); tests use the in-memory outbox.
 */
import { mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { randomString } from './ids.js';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
  kind: 'verification' | 'passwordReset' | 'emailChange';
  token: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export class MemoryMailer implements Mailer {
  readonly messages: MailMessage[] = [];
  async send(message: MailMessage): Promise<void> {
    this.messages.push(message);
  }
}

export class OutboxMailer implements Mailer {
  readonly #dir: string;
  constructor(dir: string) {
    this.#dir = dir;
  }
  async send(message: MailMessage): Promise<void> {
    await mkdir(this.#dir, { recursive: true, mode: 0o700 });
    const name = `${Date.now()}-${message.kind}-${randomString(6)}.json`;
    await writeFile(join(this.#dir, name), `${JSON.stringify(message, null, 2)}\n`, { mode: 0o600 });
  }
}
