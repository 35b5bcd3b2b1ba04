import { sweepUnsent } from '../../sweep-unsent';
import { sweepDeps } from '../../wiring';

/** Every 5 minutes: the oldest unsent mail's age (the delay alarm), and stuck mail put back or failed. */
export const handler = async () => sweepUnsent(await sweepDeps());
