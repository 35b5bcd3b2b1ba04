import type { APIGatewayProxyResultV2 } from 'aws-lambda';

/**
 * `GET /health` of every service (docs/contract.md). Liveness only: it touches no dependency,
 * so it is cheap and never flaps when an emulator or AWS service is slow.
 */
export const healthHandler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 200,
  headers: { 'content-type': 'application/json' },
  body: JSON.stringify({ ok: true }),
});
