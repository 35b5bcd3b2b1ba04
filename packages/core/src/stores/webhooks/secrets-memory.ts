import type { WebhookSecrets } from './secrets';

/** WebhookSecrets in a Map, for use-case tests; same answers as SsmWebhookSecrets. */
export class InMemoryWebhookSecrets implements WebhookSecrets {
  readonly values = new Map<string, string>();

  async put(name: string, secret: string): Promise<void> {
    if (this.values.has(name)) {
      throw Object.assign(new Error(`parameter ${name} already exists`), { name: 'ParameterAlreadyExists' });
    }
    this.values.set(name, secret);
  }

  async get(name: string): Promise<string | null> {
    return this.values.get(name) ?? null;
  }

  async remove(name: string): Promise<void> {
    this.values.delete(name);
  }
}
