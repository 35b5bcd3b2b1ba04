import type { Destination } from './port';

/** Store-only routes: the mail is already kept (record, raw MIME, parsed JSON, attachments); nothing to hand on. */
export const storeDestination: Destination = {
  deliver: async () => undefined,
};
