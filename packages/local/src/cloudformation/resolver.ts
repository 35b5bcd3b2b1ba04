/**
 * The one place that knows how a CloudFormation logical id maps to a local physical id, and
 * evaluates the intrinsic functions a service's resources and environment use (Ref,
 * Fn::GetAtt, Fn::Sub, Fn::Join, Fn::Select) against it. Provisioning and the serverless
 * plugin's environment both go through here, so what is created and what functions are told
 * cannot disagree.
 * https://docs.aws.amazon.com/AWSCloudFormation/latest/UserGuide/intrinsic-function-reference.html
 */

export interface Resource {
  Type: string;
  Properties?: Record<string, unknown>;
}

export type Resources = Record<string, Resource>;

export interface StackContext {
  /** Serverless service name, e.g. `mailroom-outbound`; the stack is `<service>-<stage>`. */
  service: string;
  stage: string;
  region: string;
  accountId: string;
  /** The SQS/SNS/S3 endpoint, which queue URLs are built on, e.g. `http://localhost:4566`. */
  awsEndpoint: string;
  /** Serverless function keys → deployed names, so `<Fn>LambdaFunction` resolves too. */
  functions?: Record<string, { name?: string }>;
}

export const LOCAL_ACCOUNT_ID = '000000000000';

export class ResolveError extends Error {
  override readonly name = 'ResolveError';
}

/** Marks a value removed by `Ref: AWS::NoValue`. */
const NO_VALUE = Symbol('AWS::NoValue');

/** Logical id Serverless gives a function's resource: `send` → `SendLambdaFunction`. */
export function functionLogicalId(key: string): string {
  const normalized = key.replace(/-/g, 'Dash').replace(/_/g, 'Underscore');
  return `${normalized.charAt(0).toUpperCase()}${normalized.slice(1)}LambdaFunction`;
}

/** The local queue URL; fauxqs is started to hand out exactly these (emulators/fauxqs-server.mjs). */
export function localQueueUrl(awsEndpoint: string, accountId: string, name: string): string {
  return `${awsEndpoint.replace(/\/$/, '')}/${accountId}/${name}`;
}

export class Resolver {
  readonly stackName: string;
  private readonly resources: Resources;
  private readonly resolving = new Set<string>();

  constructor(
    resources: Resources,
    private readonly context: StackContext,
  ) {
    this.stackName = `${context.service}-${context.stage}`;
    this.resources = { ...resources };
    for (const [key, fn] of Object.entries(context.functions ?? {})) {
      this.resources[functionLogicalId(key)] ??= {
        Type: 'AWS::Lambda::Function',
        Properties: { FunctionName: fn.name ?? `${this.stackName}-${key}` },
      };
    }
  }

  /** Deep-evaluates every intrinsic in `value`. */
  resolve(value: unknown): unknown {
    const result = this.evaluate(value);
    return result === NO_VALUE ? undefined : result;
  }

  /** Resolves to a string or fails naming what was expected. */
  resolveString(value: unknown, what: string): string {
    const result = this.resolve(value);
    if (typeof result === 'string' || typeof result === 'number' || typeof result === 'boolean')
      return String(result);
    throw new ResolveError(`${what} resolved to ${JSON.stringify(result)}, not a string`);
  }

  /** The local physical name of a resource (queue/topic/bucket/table/function name). */
  nameOf(logicalId: string): string {
    const resource = this.resource(logicalId);
    const prop = nameProperty[resource.Type];
    const given = prop === undefined ? undefined : resource.Properties?.[prop];
    if (given !== undefined)
      return this.guarded(logicalId, () => this.resolveString(given, `${logicalId}.${prop}`));
    // CloudFormation generates `<stack>-<LogicalId>-<random>`; locally the name stays stable.
    const generated = `${this.stackName}-${logicalId}`;
    if (resource.Type === 'AWS::S3::Bucket') return generated.toLowerCase();
    if (resource.Type === 'AWS::SQS::Queue' && isTrue(resource.Properties?.FifoQueue))
      return `${generated}.fifo`;
    return generated;
  }

  /** `Ref` of a resource or pseudo parameter. */
  ref(logicalId: string): string | typeof NO_VALUE {
    const pseudo = this.pseudo(logicalId);
    if (pseudo !== undefined) return pseudo;
    const type = this.resource(logicalId).Type;
    switch (type) {
      case 'AWS::SQS::Queue':
        return this.attribute(logicalId, 'QueueUrl');
      case 'AWS::SNS::Topic':
        return this.attribute(logicalId, 'TopicArn');
      case 'AWS::S3::Bucket':
      case 'AWS::DynamoDB::Table':
      case 'AWS::Lambda::Function':
      case 'AWS::KinesisFirehose::DeliveryStream':
      case 'AWS::SES::ConfigurationSet':
      case 'AWS::IAM::Role':
        return this.nameOf(logicalId);
      default:
        throw new ResolveError(
          `Ref ${logicalId}: ${type} has no local physical id (only queues, topics, buckets, tables, functions, delivery streams, configuration sets and roles do)`,
        );
    }
  }

  /** `Fn::GetAtt [logicalId, attribute]`. */
  attribute(logicalId: string, attribute: string): string {
    const { Type } = this.resource(logicalId);
    const { region, accountId } = this.context;
    const name = () => this.nameOf(logicalId);
    const table: Record<string, Record<string, () => string>> = {
      'AWS::SQS::Queue': {
        Arn: () => `arn:aws:sqs:${region}:${accountId}:${name()}`,
        QueueName: name,
        QueueUrl: () => localQueueUrl(this.context.awsEndpoint, accountId, name()),
      },
      'AWS::SNS::Topic': {
        TopicArn: () => `arn:aws:sns:${region}:${accountId}:${name()}`,
        TopicName: name,
      },
      'AWS::S3::Bucket': {
        Arn: () => `arn:aws:s3:::${name()}`,
        DomainName: () => `${name()}.s3.amazonaws.com`,
        RegionalDomainName: () => `${name()}.s3.${region}.amazonaws.com`,
      },
      'AWS::DynamoDB::Table': {
        Arn: () => `arn:aws:dynamodb:${region}:${accountId}:table/${name()}`,
        StreamArn: () => `arn:aws:dynamodb:${region}:${accountId}:table/${name()}/stream/local`,
      },
      'AWS::Lambda::Function': {
        Arn: () => `arn:aws:lambda:${region}:${accountId}:function:${name()}`,
      },
      'AWS::KinesisFirehose::DeliveryStream': {
        Arn: () => `arn:aws:firehose:${region}:${accountId}:deliverystream/${name()}`,
      },
      'AWS::IAM::Role': {
        Arn: () => `arn:aws:iam::${accountId}:role/${name()}`,
        RoleId: () =>
          `AROA${name()
            .toUpperCase()
            .replace(/[^A-Z0-9]/g, '')
            .slice(0, 17)}`,
      },
    };
    const get = table[Type]?.[attribute === 'Arn' && Type === 'AWS::SNS::Topic' ? 'TopicArn' : attribute];
    if (!get) throw new ResolveError(`Fn::GetAtt ${logicalId}.${attribute}: not known locally for ${Type}`);
    return get();
  }

  private pseudo(name: string): string | typeof NO_VALUE | undefined {
    const { region, accountId } = this.context;
    const values: Record<string, string | typeof NO_VALUE> = {
      'AWS::AccountId': accountId,
      'AWS::Region': region,
      'AWS::StackName': this.stackName,
      'AWS::StackId': `arn:aws:cloudformation:${region}:${accountId}:stack/${this.stackName}/local`,
      'AWS::Partition': 'aws',
      'AWS::URLSuffix': 'amazonaws.com',
      'AWS::NoValue': NO_VALUE,
    };
    return values[name];
  }

  private resource(logicalId: string): Resource {
    const resource = this.resources[logicalId];
    if (!resource) throw new ResolveError(`${logicalId} is not a resource of ${this.stackName}`);
    return resource;
  }

  private guarded<T>(logicalId: string, fn: () => T): T {
    if (this.resolving.has(logicalId)) throw new ResolveError(`${logicalId}'s name refers to itself`);
    this.resolving.add(logicalId);
    try {
      return fn();
    } finally {
      this.resolving.delete(logicalId);
    }
  }

  private evaluate(value: unknown): unknown {
    if (Array.isArray(value)) return value.map((v) => this.evaluate(v)).filter((v) => v !== NO_VALUE);
    if (typeof value !== 'object' || value === null) return value;
    const entries = Object.entries(value);
    const [key, arg] = entries[0] ?? [];
    if (entries.length === 1 && key !== undefined && (key === 'Ref' || key.startsWith('Fn::'))) {
      return this.intrinsic(key, arg);
    }
    const out: Record<string, unknown> = {};
    for (const [k, v] of entries) {
      const resolved = this.evaluate(v);
      if (resolved !== NO_VALUE) out[k] = resolved;
    }
    return out;
  }

  private intrinsic(fn: string, arg: unknown): unknown {
    switch (fn) {
      case 'Ref':
        return this.ref(String(arg));
      case 'Fn::GetAtt': {
        const [id, ...attr] = Array.isArray(arg) ? arg.map(String) : String(arg).split('.');
        return this.attribute(id ?? '', attr.join('.'));
      }
      case 'Fn::Sub':
        return this.sub(arg);
      case 'Fn::Join': {
        const [delimiter, list] = arg as [string, unknown];
        const items = this.evaluate(list);
        if (!Array.isArray(items))
          throw new ResolveError(`Fn::Join needs a list, got ${JSON.stringify(items)}`);
        return items.join(delimiter);
      }
      case 'Fn::Select': {
        const [index, list] = arg as [unknown, unknown];
        const items = this.evaluate(list);
        if (!Array.isArray(items))
          throw new ResolveError(`Fn::Select needs a list, got ${JSON.stringify(items)}`);
        return items[Number(this.evaluate(index))];
      }
      default:
        throw new ResolveError(`${fn} is not supported by the local resolver`);
    }
  }

  private sub(arg: unknown): string {
    const [template, variables = {}] = Array.isArray(arg)
      ? (arg as [string, Record<string, unknown>])
      : [String(arg)];
    return template.replace(/\$\{([^}]+)\}/g, (match, name: string) => {
      if (name.startsWith('!')) return `\${${name.slice(1)}}`; // ${!Literal} stays literal
      if (name in variables) return this.resolveString(variables[name], `Fn::Sub variable ${name}`);
      if (name.includes('.') && !name.startsWith('AWS::')) {
        const [id = '', ...attr] = name.split('.');
        return this.attribute(id, attr.join('.'));
      }
      const value = this.ref(name);
      if (value === NO_VALUE) throw new ResolveError(`Fn::Sub cannot use ${match}`);
      return value;
    });
  }
}

const nameProperty: Record<string, string> = {
  'AWS::SQS::Queue': 'QueueName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::DynamoDB::Table': 'TableName',
  'AWS::Lambda::Function': 'FunctionName',
  'AWS::KinesisFirehose::DeliveryStream': 'DeliveryStreamName',
  'AWS::SES::ConfigurationSet': 'Name',
  'AWS::IAM::Role': 'RoleName',
};

export const isTrue = (v: unknown): boolean => v === true || v === 'true';
