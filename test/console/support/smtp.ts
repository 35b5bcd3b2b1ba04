/**
 * A minimal SMTP client for the console tests: hands raw MIME to the local cloud's SMTP ingress (SES
 * receiving's stand-in) as a sending server would, byte for byte, with no dependency the root package
 * lacks. One transaction per call; any reply other than the expected one throws with the server's words.
 */
import { connect, type Socket } from 'node:net';

export interface Envelope {
  from: string;
  to: string[];
  /** The message as it goes over the wire; bare LF line ends become CRLF, and leading dots are doubled. */
  raw: string | Buffer;
}

/** Delivers one mail to `port` on localhost; the ingress's final reply (`250 Ok <sesMessageId>`). */
export async function deliverSmtp(port: number, mail: Envelope): Promise<string> {
  const socket = connect({ host: '127.0.0.1', port });
  const replies = replyReader(socket);
  try {
    await new Promise<void>((resolve, reject) => {
      socket.once('connect', resolve);
      socket.once('error', reject);
    });
    await expectReply(replies, 220, 'greeting');
    await command(socket, replies, 'EHLO console-tests.localhost', 250);
    await command(socket, replies, `MAIL FROM:<${mail.from}>`, 250);
    for (const to of mail.to) await command(socket, replies, `RCPT TO:<${to}>`, 250);
    await command(socket, replies, 'DATA', 354);
    socket.write(Buffer.from(`${dotStuff(mail.raw)}.\r\n`, 'latin1'));
    const accepted = await expectReply(replies, 250, 'end of data');
    await command(socket, replies, 'QUIT', 221);
    return accepted;
  } finally {
    socket.destroy();
  }
}

/** CRLF line ends, a final CRLF, and a dot doubled at the start of a line (RFC 5321 §4.5.2). */
const dotStuff = (raw: string | Buffer): string => {
  const text = typeof raw === 'string' ? Buffer.from(raw, 'utf8').toString('latin1') : raw.toString('latin1');
  const crlf = text.replace(/\r?\n/g, '\r\n');
  return `${crlf.endsWith('\r\n') ? crlf : `${crlf}\r\n`}`.replace(/^\./gm, '..');
};

type Replies = () => Promise<string>;

/** Complete replies in order; a multi-line reply ("250-…" lines, then "250 …") comes back as one. */
function replyReader(socket: Socket): Replies {
  let buffer = '';
  const ready: string[] = [];
  const waiting: { resolve(reply: string): void; reject(error: Error): void }[] = [];
  let failure: Error | null = null;
  const fail = (error: Error) => {
    failure = error;
    for (const w of waiting.splice(0)) w.reject(error);
  };
  socket.on('data', (chunk: Buffer) => {
    buffer += chunk.toString('latin1');
    for (let match = /^(\d{3}) .*\r?\n/m.exec(buffer); match; match = /^(\d{3}) .*\r?\n/m.exec(buffer)) {
      const end = match.index + match[0].length;
      const reply = buffer.slice(0, end).trimEnd();
      buffer = buffer.slice(end);
      const w = waiting.shift();
      if (w) w.resolve(reply);
      else ready.push(reply);
    }
  });
  socket.on('error', fail);
  socket.on('close', () => fail(new Error('the SMTP server closed the connection')));
  return () => {
    const reply = ready.shift();
    if (reply !== undefined) return Promise.resolve(reply);
    if (failure) return Promise.reject(failure);
    return new Promise((resolve, reject) => waiting.push({ resolve, reject }));
  };
}

async function expectReply(replies: Replies, code: number, what: string): Promise<string> {
  const reply = await replies();
  const last = reply.split(/\r?\n/).pop() ?? '';
  if (!last.startsWith(`${code} `)) throw new Error(`SMTP ${what}: expected ${code}, got "${reply}"`);
  return last;
}

async function command(socket: Socket, replies: Replies, line: string, code: number): Promise<string> {
  socket.write(`${line}\r\n`);
  return expectReply(replies, code, line);
}
