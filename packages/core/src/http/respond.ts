import type { APIGatewayProxyResultV2 } from 'aws-lambda';
import { toHttpError } from '../errors';

const JSON_HEADERS = { 'content-type': 'application/json' };

export const json = (statusCode: number, body: unknown): APIGatewayProxyResultV2 => ({
  statusCode,
  headers: JSON_HEADERS,
  body: JSON.stringify(body),
});

/** Any thrown value as the contract's `{"error": {"code", "message", "details"}}` response. */
export function errorResponse(err: unknown): APIGatewayProxyResultV2 {
  const { statusCode, body } = toHttpError(err);
  return json(statusCode, body);
}
