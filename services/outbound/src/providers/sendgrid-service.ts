import { Client } from '@sendgrid/client';
import type { ClientRequest } from '@sendgrid/client/src/request';
import { MailService } from '@sendgrid/mail';
import { jsonWithFiles } from './json-bytes';

/**
 * The mail service's client, writing each attachment's base64 straight into the request body
 * (json-bytes.ts) instead of a base64 string per file and the body's JSON string: attachments run to
 * 29 MB, and those two copies came on top of the file and the bytes sent. The body goes in after the
 * client's own merge of the request, which copies an object body key by key (a Buffer would come out as
 * an object of numbered keys); axios sends a Buffer as it is. `files`: the attachments of the sends in
 * flight, by placeholder.
 */
class FilesClient extends Client {
  constructor(private readonly files: ReadonlyMap<string, Uint8Array>) {
    super();
  }

  override createRequest(data: ClientRequest): ClientRequest {
    const { body, ...rest } = data;
    const request = super.createRequest(rest) as ClientRequest & { data?: unknown };
    if (body !== undefined) request.data = jsonWithFiles(body, this.filesOf(body));
    return request;
  }

  /** The files whose placeholders this body carries (others belong to other sends). */
  private filesOf(body: object): Map<string, Uint8Array> {
    const { attachments } = body as { attachments?: { content?: unknown }[] };
    const own = new Map<string, Uint8Array>();
    for (const { content } of attachments ?? []) {
      const bytes = typeof content === 'string' ? this.files.get(content) : undefined;
      if (bytes) own.set(content as string, bytes);
    }
    return own;
  }
}

/**
 * A MailService of its own for one API key (sendgrid.ts keeps one per key), on a FilesClient of its own:
 * setting the base URL on @sendgrid/client's singleton would not reach it (docs/toolchain.md, "SendGrid").
 */
export function mailService(
  apiKey: string,
  options: { baseUrl?: string; timeoutMs?: number },
  files: ReadonlyMap<string, Uint8Array>,
): MailService {
  const client = new FilesClient(files);
  client.setApiKey(apiKey);
  if (options.baseUrl) client.setDefaultRequest('baseUrl', options.baseUrl);
  const service = new MailService();
  service.setClient(client);
  service.setTimeout(options.timeoutMs ?? 10_000);
  return service;
}
