/**
 * A real SMTP server on a free loopback port that keeps what it receives, for
 * tests of a real PocketBase's mail (verification and reset links, and the
 * mail `pb_hooks/` must suppress). `configure` points a PocketBase at it
 * through the settings API.
 */
import type PocketBase from 'pocketbase';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string;
  /** The decoded message source (headers and body). */
  text: string;
}

export interface SmtpSink {
  port: number;
  received: ReceivedMail[];
  configure(admin: PocketBase): Promise<void>;
  close(): Promise<void>;
}

/** Quoted-printable soft breaks and escapes, so links in the body can be matched. */
function decode(source: string): string {
  return source.replace(/=\r?\n/g, '').replace(/=([0-9A-F]{2})/g, (_, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

export async function startSmtpSink(): Promise<SmtpSink> {
  const received: ReceivedMail[] = [];
  const server = new SMTPServer({
    authOptional: true,
    disabledCommands: ['STARTTLS', 'AUTH'],
    logger: false,
    onData(stream, session, callback) {
      let source = '';
      stream.on('data', (chunk: Buffer) => (source += chunk.toString()));
      stream.on('end', () => {
        for (const to of session.envelope.rcptTo) received.push({ to: to.address, text: decode(source) });
        callback();
      });
    },
  });
  await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
  const { port } = server.server.address() as { port: number };
  return {
    port,
    received,
    async configure(admin) {
      await admin.settings.update({ smtp: { enabled: true, host: '127.0.0.1', port, tls: false } });
    },
    close: () => new Promise<void>((done) => server.close(() => done())),
  };
}
