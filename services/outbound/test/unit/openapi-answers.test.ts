import {
  AttachmentUploadSchema,
  Cursors,
  DomainSchema,
  MessageAcceptedSchema,
  parseOrThrow,
  AddDomainRequestSchema,
  ListDomainsQuerySchema,
} from '@mailroom/core';
import { InMemoryDomainStore } from '@mailroom/core/testing';
import { acceptMessage } from '../../src/accept-message';
import { createAttachmentUpload } from '../../src/create-attachment-upload';
import { createHttpDeps } from '../../src/wiring';
import { OutboundEnvSchema } from '../../src/config';
import { addDomain } from '../../src/domains/add-domain';
import { getDomain } from '../../src/domains/get-domain';
import { listDomains } from '../../src/domains/list-domains';
import { InMemorySesIdentities } from '../support/memory-identities';
import { twins } from '../support/twins';

/**
 * Outbound's answers parse with the schemas the OpenAPI document (api service, GET /v1/openapi.json)
 * gives them, which are strict: a field added to an answer without documenting it fails here.
 */
describe("outbound answers match the OpenAPI document's schemas", () => {
  it('POST /v1/messages answers MessageAccepted', async () => {
    const t = twins();
    const answer = await acceptMessage(
      {
        tenantId: 'acme',
        request: { from: 'shop@acme.example', to: ['ana@example.com'], subject: 'Hi', text: 'Hi' },
      },
      {
        messages: t.messages,
        checkSender: async () => undefined,
        attachmentSize: async () => undefined,
        tenantProvider: async () => undefined,
        defaultProvider: 'ses',
        enqueue: async () => undefined,
        storeRequest: (m) => t.requests.put(m),
        now: t.clock.date,
      },
    );
    expect(MessageAcceptedSchema.parse(answer)).toEqual(answer);
  });

  it('POST /v1/attachments answers AttachmentUpload (presigned locally; no S3 is contacted)', async () => {
    const endpoint = 'http://127.0.0.1:9';
    const deps = createHttpDeps(
      OutboundEnvSchema.parse({
        AWS_REGION: 'us-east-1',
        MAILROOM_AWS_ENDPOINT: endpoint,
        MAILROOM_DYNAMODB_ENDPOINT: endpoint,
        MAILROOM_MESSAGES_TABLE: 'messages',
        MAILROOM_TENANTS_TABLE: 'tenants',
        MAILROOM_SEND_QUEUE_URL: `${endpoint}/000000000000/send`,
        MAILROOM_ATTACHMENTS_BUCKET: 'attachments',
        MAILROOM_SEND_MAX_RECEIVE_COUNT: '10',
        MAILROOM_TENANT_SECRETS_PREFIX: '/mailroom/test/tenants',
        MAILROOM_STAGE: 'local',
        MAILROOM_SEND_DLQ_URL: `${endpoint}/000000000000/send-dlq`,
        MAILROOM_REQUESTS_BUCKET: 'requests',
      }),
    );
    const answer = await createAttachmentUpload(
      'acme',
      { filename: 'invoice.pdf', contentType: 'application/pdf', size: 1234 },
      deps.attachments,
    );
    expect(AttachmentUploadSchema.parse(answer)).toEqual(answer);
  });

  it('POST, GET and the list of /v1/domains answer Domain', async () => {
    const now = () => new Date('2026-12-01T10:00:00Z');
    const deps = {
      domains: new InMemoryDomainStore(now),
      identities: new InMemorySesIdentities(),
      region: 'eu-west-1',
      stage: 'prod',
      refreshAfterMs: 60_000,
      cursors: new Cursors(async () => 'a-test-cursor-key-of-32-characters'),
      logger: { warn: () => undefined },
      now,
    };
    const body = parseOrThrow(AddDomainRequestSchema, {
      domain: 'mail.acme.example',
      mailFrom: 'b.mail.acme.example',
    });
    const added = await addDomain('acme', body, deps);
    expect(DomainSchema.parse(added)).toEqual(added);
    const read = await getDomain('acme', 'mail.acme.example', deps);
    expect(DomainSchema.parse(read)).toEqual(read);
    const page = await listDomains('acme', parseOrThrow(ListDomainsQuerySchema, {}), deps);
    expect(page.nextCursor).toBeNull();
    expect(page.items.map((item) => DomainSchema.parse(item))).toEqual(page.items);
  });
});
