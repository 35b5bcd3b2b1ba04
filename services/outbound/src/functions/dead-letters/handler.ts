import { markDeadLetters } from '../../mark-dead-letters';
import { deadLetterDeps } from '../../wiring';

/** Every 5 minutes: the send DLQ's records, made visible as `failed` on their messages (never consumed). */
export const handler = async () => markDeadLetters(await deadLetterDeps());
