import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { sesMailbox } from '../support/cloud';

jest.setTimeout(240_000);

/**
 * Sending domains as a tenant uses them, through serverless-offline: add a domain, read its DNS
 * records, wait until the local SES has "verified" it, then send from it (and not from a domain it
 * does not hold).
 */
describe('sending domains end to end (serverless-offline)', () => {
  let cloud: LocalCloud;
  const auth = { Authorization: 'Bearer dev-acme-key', 'Content-Type': 'application/json' };
  const outbound = (path: string) => `http://localhost:${cloud.ports.outbound}${path}`;

  beforeAll(async () => {
    // The SES stand-in runs in this process: it verifies new identities a second after they are made.
    process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS = '1';
    cloud = await startLocalCloud({ ports: 'auto', services: ['outbound', 'api'] });
  });
  afterAll(async () => {
    delete process.env.MAILROOM_SES_VERIFY_AFTER_SECONDS;
    await cloud?.stop();
  });

  /** Polls `read` until `done` holds, or the bound runs out; answers the last value either way. */
  async function until<T>(read: () => Promise<T>, done: (value: T) => boolean, boundMs = 60_000) {
    const deadline = Date.now() + boundMs;
    let last = await read();
    while (!done(last) && Date.now() < deadline) {
      await new Promise((resolve) => setTimeout(resolve, 500));
      last = await read();
    }
    return last;
  }
  const send = (from: string, subject: string) =>
    fetch(outbound('/v1/messages'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ from, to: ['ana@example.com'], subject, text: 'Hello' }),
    });

  it('adds a domain, shows its DNS records, verifies it and sends from it', async () => {
    const domain = `mail${Date.now().toString(36)}.acme.test`;
    const added = await fetch(outbound('/v1/domains'), {
      method: 'POST',
      headers: auth,
      body: JSON.stringify({ domain, mailFrom: `bounce.${domain}` }),
    });
    expect(added.status).toBe(201);
    const body = (await added.json()) as { status: string; records: { type: string; name: string }[] };
    expect(body.status).toBe('pending');
    expect(body.records.map((r) => r.type)).toEqual(['CNAME', 'CNAME', 'CNAME', 'MX', 'TXT', 'TXT']);

    const refused = await send(`shop@${domain}`, 'too early');
    expect(refused.status).toBe(403);
    expect(await refused.json()).toMatchObject({ error: { code: 'SENDER.DOMAIN_NOT_VERIFIED' } });

    const read = async () =>
      (await (await fetch(outbound(`/v1/domains/${domain}`), { headers: auth })).json()) as {
        status: string;
      };
    expect(await until(read, (d) => d.status === 'verified')).toMatchObject({ status: 'verified' });

    const subject = `from a new domain ${Date.now()}`;
    const accepted = await send(`shop@${domain}`, subject);
    expect(accepted.status).toBe(202);
    const { id } = (await accepted.json()) as { id: string };
    const message = await until(
      async () =>
        (await (
          await fetch(`http://localhost:${cloud.ports.api}/v1/messages/${id}`, { headers: auth })
        ).json()) as { status: string },
      (m) => m.status === 'sent' || m.status === 'failed' || m.status === 'rejected',
      90_000,
    );
    expect(message.status).toBe('sent');
    expect(await sesMailbox(cloud, subject)).toHaveLength(1);

    const list = (await (await fetch(outbound('/v1/domains'), { headers: auth })).json()) as {
      items: { domain: string }[];
      nextCursor: string | null;
    };
    expect(list.items.map((d) => d.domain)).toEqual(expect.arrayContaining(['acme.example', domain]));
  });

  it("refuses mail from another tenant's domain with 403, queuing nothing", async () => {
    const res = await send('billing@globex.example', 'as globex');
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ error: { code: 'SENDER.DOMAIN_NOT_VERIFIED' } });
  });
});
