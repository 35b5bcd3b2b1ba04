import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { PayloadTooLargeError, ValidationError } from '../errors';

/** A header by name, case-insensitively (API Gateway lower-cases them, serverless-offline may not). */
export function header(event: Pick<APIGatewayProxyEventV2, 'headers'>, name: string): string | undefined {
  const wanted = name.toLowerCase();
  for (const [key, value] of Object.entries(event.headers ?? {})) {
    if (key.toLowerCase() === wanted) return value;
  }
  return undefined;
}

/** The request body as JSON, refusing bodies over `maxBytes` (413) and broken JSON (400). */
export function jsonBody(
  event: Pick<APIGatewayProxyEventV2, 'body' | 'isBase64Encoded'>,
  maxBytes: number,
): unknown {
  const raw = event.body ?? '';
  const bytes = event.isBase64Encoded ? Buffer.from(raw, 'base64') : Buffer.from(raw, 'utf8');
  if (bytes.length > maxBytes) {
    throw new PayloadTooLargeError(`request body is ${bytes.length} bytes; the limit is ${maxBytes}`);
  }
  if (bytes.length === 0) throw new ValidationError('request body is empty; expected JSON');
  try {
    return JSON.parse(bytes.toString('utf8'));
  } catch (err) {
    throw new ValidationError(`request body is not valid JSON: ${(err as Error).message}`);
  }
}
