/**
 * Deploy gates checked on every packaged CloudFormation template (`pnpm run package`):
 * least-privilege IAM (no wildcard actions, one role per function), private and encrypted
 * buckets, the Lambda runtime AWS still supports, and an alarm on every dead-letter queue.
 */
import type { Resource, Template } from './cfn-template';

export type { Template };

const RUNTIME = 'nodejs22.x';

const asArray = <T>(value: T | T[] | undefined): T[] =>
  value === undefined ? [] : Array.isArray(value) ? value : [value];

type Statement = { Effect?: string; Action?: string | string[]; NotAction?: unknown };

function statementsOf(resource: Resource): Statement[] {
  const props = resource.Properties ?? {};
  const policies = asArray(props.Policies as { PolicyDocument?: { Statement?: Statement[] } }[]);
  const inline = props.PolicyDocument as { Statement?: Statement[] } | undefined;
  const documents = resource.Type === 'AWS::IAM::Role' ? policies.map((p) => p.PolicyDocument) : [inline];
  return documents.flatMap((d) => asArray(d?.Statement));
}

function iamProblems(id: string, resource: Resource): string[] {
  if (!['AWS::IAM::Role', 'AWS::IAM::Policy', 'AWS::IAM::ManagedPolicy'].includes(resource.Type)) return [];
  return statementsOf(resource).flatMap((s) => {
    if (s.Effect !== 'Allow') return [];
    if (s.NotAction !== undefined) return [`${id}: Allow with NotAction grants everything else`];
    return asArray(s.Action)
      .filter((action) => action.includes('*'))
      .map((action) => `${id}: wildcard action ${action}`);
  });
}

function bucketProblems(id: string, resource: Resource): string[] {
  if (resource.Type !== 'AWS::S3::Bucket') return [];
  const props = resource.Properties ?? {};
  const problems: string[] = [];
  if (!props.BucketEncryption) problems.push(`${id}: bucket without BucketEncryption`);
  const block = props.PublicAccessBlockConfiguration as Record<string, unknown> | undefined;
  const flags = ['BlockPublicAcls', 'BlockPublicPolicy', 'IgnorePublicAcls', 'RestrictPublicBuckets'];
  if (!block || flags.some((flag) => block[flag] !== true)) {
    problems.push(`${id}: bucket does not block every kind of public access`);
  }
  return problems;
}

function roleIdOf(fn: Resource): string | undefined {
  const role = fn.Properties?.Role as { 'Fn::GetAtt'?: [string, string] } | undefined;
  return role?.['Fn::GetAtt']?.[0];
}

function functionProblems(template: Template): string[] {
  const functions = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::Lambda::Function');
  const owners = new Map<string, string>();
  return functions.flatMap(([id, fn]) => {
    const problems: string[] = [];
    if (fn.Properties?.Runtime !== RUNTIME) problems.push(`${id}: runtime is not ${RUNTIME}`);
    const roleId = roleIdOf(fn);
    if (!roleId || template.Resources[roleId]?.Type !== 'AWS::IAM::Role') {
      problems.push(`${id}: no role of its own declared in this template`);
    } else if (owners.has(roleId)) {
      problems.push(`${id}: shares role ${roleId} with ${owners.get(roleId)}`);
    } else {
      owners.set(roleId, id);
    }
    return problems;
  });
}

const getAtt = (value: unknown): [string, string] | undefined =>
  (value as { 'Fn::GetAtt'?: [string, string] } | undefined)?.['Fn::GetAtt'];

/** Queues some queue's RedrivePolicy names as its dead-letter target, or named `*-dlq`. */
function deadLetterQueues(template: Template): string[] {
  const queues = Object.entries(template.Resources).filter(([, r]) => r.Type === 'AWS::SQS::Queue');
  const targets = new Set(
    queues.flatMap(([, q]) => {
      const target = getAtt(
        (q.Properties?.RedrivePolicy as { deadLetterTargetArn?: unknown } | undefined)?.deadLetterTargetArn,
      );
      return target ? [target[0]] : [];
    }),
  );
  return queues
    .filter(([id, q]) => targets.has(id) || String(q.Properties?.QueueName ?? '').endsWith('-dlq'))
    .map(([id]) => id);
}

/** An alarm as soon as one message is visible: AWS/SQS ApproximateNumberOfMessagesVisible > 0, with an action. */
function alarmsOnDepth(template: Template, queueId: string): boolean {
  return Object.values(template.Resources).some((r) => {
    if (r.Type !== 'AWS::CloudWatch::Alarm') return false;
    const p = r.Properties ?? {};
    const dimensions = asArray(p.Dimensions as { Name?: string; Value?: unknown }[]);
    return (
      p.Namespace === 'AWS/SQS' &&
      p.MetricName === 'ApproximateNumberOfMessagesVisible' &&
      p.Threshold === 0 &&
      p.ComparisonOperator === 'GreaterThanThreshold' &&
      asArray(p.AlarmActions as unknown[]).length > 0 &&
      dimensions.some((d) => d.Name === 'QueueName' && getAtt(d.Value)?.[0] === queueId)
    );
  });
}

function deadLetterProblems(template: Template): string[] {
  return deadLetterQueues(template)
    .filter((id) => !alarmsOnDepth(template, id))
    .map((id) => `${id}: dead-letter queue without an alarm on ApproximateNumberOfMessagesVisible > 0`);
}

export function checkTemplate(template: Template): string[] {
  const perResource = Object.entries(template.Resources).flatMap(([id, resource]) => [
    ...iamProblems(id, resource),
    ...bucketProblems(id, resource),
  ]);
  return [...perResource, ...functionProblems(template), ...deadLetterProblems(template)];
}
