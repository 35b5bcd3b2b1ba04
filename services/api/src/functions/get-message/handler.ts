import type { APIGatewayProxyEventV2 } from 'aws-lambda';
import { authorize, errorResponse, json, NotFoundError } from '@mailroom/core';
import { getMessage } from '../../get-message';
import { apiDeps } from '../../wiring';

// Message ids are ULIDs; anything else cannot name a message.
const ULID = /^[0-9A-HJKMNP-TV-Z]{26}$/;

/** GET /v1/messages/{id} */
export const handler = async (event: APIGatewayProxyEventV2) => {
  try {
    const deps = apiDeps();
    const principal = await authorize(event, deps.tenants, 'read');
    const id = event.pathParameters?.id ?? '';
    if (!ULID.test(id)) throw new NotFoundError(`no message ${id}`);
    return json(200, await getMessage(principal.tenantId, id, deps.messages));
  } catch (err) {
    return errorResponse(err);
  }
};
