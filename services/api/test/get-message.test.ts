import { newId, NotFoundError, type MessageStore } from '@mailroom/core';
import { createDynamoDocumentClient, DynamoMessageStore } from '@mailroom/core/aws';
import { startLocalCloud, type LocalCloud } from '@mailroom/local';
import { getMessage } from '../src/get-message';

jest.setTimeout(60_000);

describe('GET /v1/messages/{id} (DynamoDB Local)', () => {
  let cloud: LocalCloud;
  let messages: MessageStore;
  let doc: ReturnType<typeof createDynamoDocumentClient>;

  beforeAll(async () => {
    cloud = await startLocalCloud({ ports: 'auto', services: false, seed: false });
    doc = createDynamoDocumentClient({ region: 'us-east-1', endpoint: cloud.endpoints.dynamodb });
    messages = new DynamoMessageStore(doc, cloud.outputs.outbound.MessagesTableName!);
  });
  afterAll(async () => {
    doc?.destroy();
    await cloud?.stop();
  });

  async function sentMessage(tenantId: string) {
    const id = newId();
    await messages.create({
      id,
      tenantId,
      createdAt: new Date().toISOString(),
      from: { email: 'shop@acme.example', name: 'Shop' },
      to: ['ana@example.com'],
      subject: 'Order 1',
      recipients: ['ana@example.com'],
    });
    await messages.transition(id, tenantId, {
      status: 'sending',
      provider: 'ses',
      countAttempt: true,
      event: { type: 'sending', provider: 'ses', data: { attempt: 1 } },
    });
    await messages.transition(id, tenantId, {
      status: 'sent',
      provider: 'ses',
      providerMessageId: 'ses-1',
      lastError: null,
      event: { type: 'sent', provider: 'ses', data: { providerMessageId: 'ses-1' } },
    });
    return id;
  }

  it('answers in the contract shape with the timeline oldest first', async () => {
    const id = await sentMessage('acme');
    const answer = await getMessage('acme', id, messages);
    expect(answer).toEqual({
      id,
      tenantId: 'acme',
      status: 'sent',
      from: { email: 'shop@acme.example', name: 'Shop' },
      to: ['ana@example.com'],
      subject: 'Order 1',
      provider: 'ses',
      providerMessageId: 'ses-1',
      attempts: 1,
      lastError: null,
      createdAt: expect.any(String),
      updatedAt: expect.any(String),
      events: [
        { type: 'queued', at: expect.any(String), provider: null, data: {} },
        { type: 'sending', at: expect.any(String), provider: 'ses', data: { attempt: 1 } },
        { type: 'sent', at: expect.any(String), provider: 'ses', data: { providerMessageId: 'ses-1' } },
      ],
    });
  });

  it("answers 404 for another tenant's message exactly as for an absent one", async () => {
    const id = await sentMessage('globex');
    await expect(getMessage('acme', id, messages)).rejects.toBeInstanceOf(NotFoundError);
    await expect(getMessage('acme', newId(), messages)).rejects.toBeInstanceOf(NotFoundError);
  });
});
