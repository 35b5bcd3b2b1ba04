import { createInterface } from 'node:readline';
import { Writable, type Readable } from 'node:stream';

/**
 * A secret from stdin: asked for without echo on a terminal, else the whole piped input (trimmed), so
 * `printf %s "$KEY" | pnpm mailroom tenant update acme --sendgrid-key tenant` keeps it out of argv.
 */
export async function readSecret(
  prompt: string,
  input: Readable & { isTTY?: boolean },
  output: Writable,
): Promise<string> {
  if (!input.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of input) chunks.push(Buffer.from(chunk as Buffer));
    return Buffer.concat(chunks).toString('utf8').trim();
  }
  output.write(prompt);
  // No echo: readline writes what is typed to its output, and this one drops it.
  const muted = new Writable({ write: (_chunk, _encoding, callback) => callback() });
  const rl = createInterface({ input, output: muted, terminal: true });
  try {
    const line = await new Promise<string>((resolve) => rl.once('line', resolve));
    output.write('\n');
    return line.trim();
  } finally {
    rl.close();
  }
}
