import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorize, errorResponse, isId, json, NotFoundError } from '@mailroom/core';
import { getMessage } from '../../get-message';
import { apiDeps } from '../../wiring';

/** GET /v1/messages/{id} */
export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    const deps = apiDeps();
    const principal = await authorize(event, deps.tenants, 'read');
    const id = event.pathParameters?.id ?? '';
    // Message ids are ULIDs; anything else cannot name a message.
    if (!isId(id)) throw new NotFoundError(`no message ${id}`);
    return json(200, await getMessage(principal.tenantId, id, deps.messages));
  } catch (err) {
    return errorResponse(err);
  }
};
