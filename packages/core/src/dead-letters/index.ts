// The dead-letter queues' domain part: the port, what a record says, and the redrive both the admin CLI
// and the api's ops endpoints run. The SQS adapter is exported from '@mailroom/core/aws', the in-memory
// twin from '@mailroom/core/testing'.
export { DLQ_NAMES, isDlqName } from './port';
export type { DlqName, DlqRecord, DlqDepth, DeadLetterQueue } from './port';
export { ALREADY_SENT, summarizeDlqBody, dlqReasonOf, redriveBody } from './records';
export type { DlqBodySummary } from './records';
export { redriveDeadLetters, REDRIVE_HIDE_SECONDS } from './redrive';
export type { RedriveCounts, RedriveFailure, RedriveOptions, RedriveResult } from './redrive';
