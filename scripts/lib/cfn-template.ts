/**
 * The parts of a packaged CloudFormation template the deploy gates read, and the helpers every
 * gate shares: recognising intrinsic functions and describing a value in a problem message.
 */
export type Resource = {
  Type: string;
  Properties?: Record<string, unknown>;
  DependsOn?: string | string[];
  Condition?: string;
  [attribute: string]: unknown;
};

export type Template = {
  Parameters?: Record<string, unknown>;
  Resources: Record<string, Resource>;
  Outputs?: Record<string, unknown>;
};

/** The keys CloudFormation accepts on a resource besides Type and Properties. */
export const RESOURCE_ATTRIBUTES = [
  'Type',
  'Properties',
  'DependsOn',
  'Condition',
  'DeletionPolicy',
  'UpdateReplacePolicy',
  'UpdatePolicy',
  'CreationPolicy',
  'Metadata',
] as const;

/** Custom resources take any properties besides ServiceToken and return any attributes. */
export const isCustomResourceType = (type: string): boolean =>
  type.startsWith('Custom::') || type === 'AWS::CloudFormation::CustomResource';

export const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  typeof value === 'object' && value !== null && !Array.isArray(value);

/**
 * The function's name when `value` is an intrinsic function call (`{ Ref: … }`, `{ 'Fn::…': … }`),
 * which can stand for a value of any type.
 */
export function intrinsicName(value: unknown): string | undefined {
  if (!isPlainObject(value)) return undefined;
  const keys = Object.keys(value);
  if (keys.length !== 1) return undefined;
  const [key] = keys as [string];
  return key === 'Ref' || key.startsWith('Fn::') ? key : undefined;
}

/** `Properties.A.B[0]`-style path segments, without a leading dot. */
export const joinPath = (path: string, key: string): string => (path ? `${path}.${key}` : key);

/** A literal as a problem message shows it: `the string "soon"`, `a list`, `null`. */
export function describeValue(value: unknown): string {
  if (value === null) return 'null';
  if (Array.isArray(value)) return 'a list';
  if (typeof value === 'object') return 'an object';
  if (typeof value === 'string') return `the string ${JSON.stringify(value)}`;
  if (typeof value === 'number') return `the number ${value}`;
  if (typeof value === 'boolean') return `the boolean ${value}`;
  return typeof value;
}
