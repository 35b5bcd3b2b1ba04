/**
 * A small stand-in for AWS Systems Manager Parameter Store, where tenants' provider secrets live
 * (no emulator in the stack speaks SSM). It answers the AWS JSON 1.1 protocol the real
 * @aws-sdk/client-ssm uses (`POST /`, `X-Amz-Target: AmazonSSM.<Action>`) for the three actions
 * Mailroom needs, keeps parameters in memory and returns SecureString values as given
 * (encryption is AWS's business). https://docs.aws.amazon.com/systems-manager/latest/APIReference/
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { listen, readBody, sendJson, type RunningServer } from './http';

interface Parameter {
  Name: string;
  Type: 'String' | 'StringList' | 'SecureString';
  Value: string;
  Version: number;
  LastModifiedDate: number;
}

export interface SsmStandInOptions {
  port: number;
  host?: string;
}

export interface SsmStandIn extends RunningServer {
  /** Parameter values by name, as stored (tests check that SecureString values are kept as given). */
  values(): ReadonlyMap<string, string>;
}

// Parameter Store's limits: advanced-tier values are at most 8 KB, names at most 2048 characters.
const BODY_LIMIT = 64 * 1024;
const NAME = /^\/?[a-zA-Z0-9_.\-/]{1,2048}$/;

class SsmError extends Error {
  constructor(
    readonly type: string,
    message: string,
  ) {
    super(message);
  }
}

const json = 'application/x-amz-json-1.1';

export async function startSsmStandIn(options: SsmStandInOptions): Promise<SsmStandIn> {
  const parameters = new Map<string, Parameter>();

  const nameOf = (input: Record<string, unknown>): string => {
    const name = input.Name;
    if (typeof name !== 'string' || !NAME.test(name)) {
      throw new SsmError('ValidationException', `Parameter name ${JSON.stringify(name)} is not valid.`);
    }
    return name;
  };
  const found = (name: string): Parameter => {
    const parameter = parameters.get(name);
    if (!parameter) throw new SsmError('ParameterNotFound', `Parameter ${name} not found.`);
    return parameter;
  };

  const actions: Record<string, (input: Record<string, unknown>) => unknown> = {
    GetParameter: (input) => {
      const { Name, Type, Value, Version, LastModifiedDate } = found(nameOf(input));
      return { Parameter: { Name, Type, Value, Version, LastModifiedDate, DataType: 'text' } };
    },
    PutParameter: (input) => {
      const name = nameOf(input);
      const { Value, Type = 'String', Overwrite = false } = input;
      if (typeof Value !== 'string' || Value.length === 0) {
        throw new SsmError('ValidationException', 'Value must be a non-empty string.');
      }
      if (Type !== 'String' && Type !== 'StringList' && Type !== 'SecureString') {
        throw new SsmError('ValidationException', `Type ${String(Type)} is not valid.`);
      }
      const existing = parameters.get(name);
      if (existing && Overwrite !== true) {
        throw new SsmError('ParameterAlreadyExists', 'The parameter already exists.');
      }
      const Version = (existing?.Version ?? 0) + 1;
      parameters.set(name, { Name: name, Type, Value, Version, LastModifiedDate: Date.now() / 1000 });
      return { Version, Tier: 'Standard' };
    },
    DeleteParameter: (input) => {
      const name = nameOf(input);
      found(name);
      parameters.delete(name);
      return {};
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const target = String(req.headers['x-amz-target'] ?? '');
    const action = target.startsWith('AmazonSSM.') ? actions[target.slice('AmazonSSM.'.length)] : undefined;
    const answer = (status: number, body: unknown) => sendJson(res, status, body, { 'content-type': json });
    if (req.method !== 'POST' || !action) {
      return answer(400, {
        __type: 'UnknownOperationException',
        message: `${req.method} ${target || '(no X-Amz-Target)'} is not part of this stand-in`,
      });
    }
    try {
      const body = (await readBody(req, BODY_LIMIT)).toString('utf8');
      const input = body ? (JSON.parse(body) as Record<string, unknown>) : {};
      return answer(200, action(input));
    } catch (err) {
      if (err instanceof SsmError) return answer(400, { __type: err.type, message: err.message });
      return answer(400, { __type: 'ValidationException', message: String(err) });
    }
  };

  const server = await listen(
    (req, res) => {
      handle(req, res).catch((e: unknown) =>
        sendJson(res, 500, { __type: 'InternalServerError', message: String(e) }),
      );
    },
    options.port,
    options.host ?? '127.0.0.1',
  );
  return {
    ...server,
    values: () => new Map([...parameters].map(([name, p]) => [name, p.Value])),
  };
}
