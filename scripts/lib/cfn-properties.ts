/**
 * Checks a resource's Properties against its schema at every depth: every property name exists,
 * required properties are present, and literal values have the schema's shape and scalar type.
 * An intrinsic function stands for a value of any type; JSON-typed properties (policy documents)
 * are free-form. Scalars are coerced the way CloudFormation does: a number or boolean is a valid
 * string, and `"30"` or `"true"` a valid integer or boolean.
 */
import type { CfnSpec, PropertyType, ResourceProperties } from './cfn-spec';
import { describeValue, intrinsicName, isPlainObject, joinPath } from './cfn-template';
import { didYouMean } from './did-you-mean';

/** The resource tag, `{ Key, Value }`, which the spec keeps as a built-in type. */
const TAG: ResourceProperties = {
  Key: { type: { type: 'string' }, required: true },
  Value: { type: { type: 'string' }, required: true },
};

type Shape = 'scalar' | 'list' | 'object';

const shapeOf = (value: unknown): Shape =>
  Array.isArray(value) ? 'list' : isPlainObject(value) ? 'object' : 'scalar';

/** Whether a value of this shape could be of this type (json takes any shape). */
function shapeFits(shape: Shape, type: PropertyType): boolean {
  switch (type.type) {
    case 'json':
      return true;
    case 'union':
      return type.types.some((t) => shapeFits(shape, t));
    case 'array':
      return shape === 'list';
    case 'ref':
    case 'tag':
    case 'map':
      return shape === 'object';
    default:
      return shape === 'scalar';
  }
}

function scalarFits(value: unknown, type: PropertyType['type']): boolean {
  switch (type) {
    case 'string':
      return ['string', 'number', 'boolean'].includes(typeof value);
    case 'date-time':
      return typeof value === 'string';
    case 'integer':
      return typeof value === 'number' ? Number.isInteger(value) : /^[+-]?\d+$/.test(String(value));
    case 'number':
      return (
        typeof value === 'number' || (typeof value === 'string' && value.trim() !== '' && isFinite(+value))
      );
    case 'boolean':
      return typeof value === 'boolean' || /^(true|false)$/i.test(String(value));
    default:
      return false;
  }
}

export class PropertyChecker {
  constructor(
    private readonly spec: CfnSpec,
    private readonly resourceType: string,
  ) {}

  /** Problems with a resource's Properties (undefined when it has none), paths from its top. */
  resource(properties: unknown, schema: ResourceProperties): string[] {
    return this.object(properties ?? {}, schema, this.resourceType, '');
  }

  private expected(type: PropertyType): string {
    switch (type.type) {
      case 'ref':
        return `an object (${this.definitionName(type)})`;
      case 'tag':
        return 'a tag ({ Key, Value })';
      case 'array':
        return 'a list';
      case 'map':
        return 'a map';
      case 'union':
        return type.types.map((t) => this.expected(t)).join(' or ');
      case 'integer':
        return 'an integer';
      case 'date-time':
        return 'a date-time string';
      default:
        return `a ${type.type}`;
    }
  }

  private definitionName(type: Extract<PropertyType, { type: 'ref' }>): string {
    return `${this.resourceType}.${this.spec.definition(type).name}`;
  }

  private mismatch(value: unknown, type: PropertyType, path: string): string[] {
    return [`${path || 'Properties'} is ${describeValue(value)}, expected ${this.expected(type)}`];
  }

  private value(value: unknown, type: PropertyType, path: string): string[] {
    if (intrinsicName(value) !== undefined) return [];
    if (value === null) return [`${path} is null, which CloudFormation does not accept`];
    if (!shapeFits(shapeOf(value), type)) return this.mismatch(value, type, path);
    switch (type.type) {
      case 'json':
        return [];
      case 'ref': {
        const definition = this.spec.definition(type);
        return this.object(value, definition.properties, this.definitionName(type), path);
      }
      case 'tag':
        return this.object(value, TAG, 'Tag', path);
      case 'array':
        return (value as unknown[]).flatMap((item, i) => this.value(item, type.element, `${path}[${i}]`));
      case 'map':
        return Object.entries(value as object).flatMap(([key, item]) =>
          this.value(item, type.element, joinPath(path, key)),
        );
      case 'union':
        return this.union(value, type.types, path);
      default:
        return scalarFits(value, type.type) ? [] : this.mismatch(value, type, path);
    }
  }

  /**
   * A union fits when one of its members does; otherwise report the closest member's problems.
   * A JSON member only takes what no typed member has the shape for: the spec adds one next to
   * typed members for the schema's untyped `object` alternative (DynamoDB's KeySchema is a list
   * of key elements or an object), so a list still has to be a list of key elements.
   */
  private union(value: unknown, types: PropertyType[], path: string): string[] {
    const typed = types.filter((t) => t.type !== 'json' && shapeFits(shapeOf(value), t));
    if (typed.length === 0) return [];
    const candidates = typed.map((t) => this.value(value, t, path));
    return candidates.reduce((best, problems) => (problems.length < best.length ? problems : best));
  }

  private object(value: unknown, schema: ResourceProperties, owner: string, path: string): string[] {
    if (intrinsicName(value) !== undefined) return [];
    if (!isPlainObject(value))
      return [`${path || 'Properties'} is ${describeValue(value)}, expected an object`];
    const problems: string[] = [];
    for (const [name, item] of Object.entries(value)) {
      const property = Object.hasOwn(schema, name) ? schema[name] : undefined;
      const at = joinPath(path, name);
      if (!property) {
        problems.push(`${at} is not a property of ${owner}${didYouMean(name, Object.keys(schema))}`);
      } else {
        problems.push(...this.value(item, property.type, at));
      }
    }
    for (const [name, property] of Object.entries(schema)) {
      if (property.required && !Object.hasOwn(value, name)) {
        problems.push(`${joinPath(path, name)} is missing (required by ${owner})`);
      }
    }
    return problems;
  }
}
