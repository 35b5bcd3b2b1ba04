import type { SendQueueMessage } from '../../schemas';
import { requestKey, type RequestStore } from './port';

/** RequestStore in a Map, for use-case tests; same behaviour as S3RequestStore. */
export class InMemoryRequestStore implements RequestStore {
  private readonly objects = new Map<string, string>();

  async put(message: SendQueueMessage): Promise<void> {
    this.objects.set(requestKey(message.tenantId, message.id), JSON.stringify(message));
  }

  async get(tenantId: string, id: string): Promise<SendQueueMessage | undefined> {
    const text = this.objects.get(requestKey(tenantId, id));
    return text === undefined ? undefined : (JSON.parse(text) as SendQueueMessage);
  }

  /** How many requests are stored (tests). */
  get size(): number {
    return this.objects.size;
  }
}
