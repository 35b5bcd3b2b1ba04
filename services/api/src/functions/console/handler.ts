import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from 'aws-lambda';
import { consoleConfig } from '../../console/config';
import { serveConsole } from '../../console/page';

/** GET /console and GET /console/{file} — the web console (no API key: the page signs in with one). */
export const handler = async (
  event: Pick<APIGatewayProxyEventV2, 'pathParameters'>,
): Promise<APIGatewayProxyStructuredResultV2> => {
  const answer = serveConsole(event.pathParameters?.file, consoleConfig().MAILROOM_OUTBOUND_URL);
  return { statusCode: answer.status, headers: answer.headers, body: answer.body };
};
