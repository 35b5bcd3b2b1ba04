import { retryFailed } from '../../process/retry-failed';
import { retryDeps } from '../../wiring';

/** On a schedule: failed mail with attempts left goes back on the inbound queue (process/retry-failed.ts). */
export const handler = async () => retryFailed(await retryDeps());
