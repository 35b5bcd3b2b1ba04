/**
 * Checks what a template's references point at: every `Fn::GetAtt` (also as `${Resource.Attribute}`
 * in `Fn::Sub`) names a resource of this template and an attribute its type really has; every `Ref`
 * (also `${Name}` in `Fn::Sub`) names a resource, a parameter or a pseudo parameter; every DependsOn
 * names a resource. Looks through resource properties and outputs, inside intrinsics too.
 */
import type { CfnSpec } from './cfn-spec';
import { intrinsicName, isCustomResourceType, isPlainObject, joinPath, type Template } from './cfn-template';
import { didYouMean } from './did-you-mean';

const PSEUDO_PARAMETERS = new Set([
  'AWS::AccountId',
  'AWS::NotificationARNs',
  'AWS::NoValue',
  'AWS::Partition',
  'AWS::Region',
  'AWS::StackId',
  'AWS::StackName',
  'AWS::URLSuffix',
]);

/** Where a reference sits: `Resource: Property.Path` or `Outputs.Name: Value`. */
const where = (owner: string, path: string) => (path ? `${owner}: ${path}` : owner);

export class ReferenceChecker {
  private readonly resources: Record<string, { Type?: unknown }>;
  private readonly parameters: Set<string>;

  constructor(
    private readonly spec: CfnSpec,
    template: Template,
  ) {
    this.resources = template.Resources ?? {};
    this.parameters = new Set(Object.keys(template.Parameters ?? {}));
  }

  /** Problems with the references in one resource's properties or one output. */
  references(owner: string, node: unknown, path = ''): string[] {
    if (Array.isArray(node)) return node.flatMap((item, i) => this.references(owner, item, `${path}[${i}]`));
    if (!isPlainObject(node)) return [];
    const fn = intrinsicName(node);
    if (fn === undefined) {
      return Object.entries(node).flatMap(([key, item]) => this.references(owner, item, joinPath(path, key)));
    }
    const argument = node[fn];
    const own = this.intrinsic(fn, argument);
    // Arguments may hold intrinsics of their own; they keep the path of the property they fill.
    const nested = Array.isArray(argument) ? argument : [argument];
    return [
      ...own.map((problem) => `${where(owner, path)}: ${problem}`),
      ...nested.flatMap((item) => this.references(owner, item, path)),
    ];
  }

  private intrinsic(fn: string, argument: unknown): string[] {
    switch (fn) {
      case 'Ref':
        return typeof argument === 'string' ? this.ref(argument) : [];
      case 'Fn::GetAtt':
        return this.getAtt(argument);
      case 'Fn::Sub':
        return this.sub(argument);
      default:
        return [];
    }
  }

  dependsOn(owner: string, dependsOn: unknown): string[] {
    const names = Array.isArray(dependsOn) ? dependsOn : dependsOn === undefined ? [] : [dependsOn];
    return names
      .filter((name) => typeof name !== 'string' || !this.isResource(name))
      .map(
        (name) => `${owner}: DependsOn ${String(name)} names no resource in this template${this.hint(name)}`,
      );
  }

  private isResource(name: string): boolean {
    return Object.hasOwn(this.resources, name);
  }

  private hint(name: unknown): string {
    return typeof name === 'string' ? didYouMean(name, Object.keys(this.resources)) : '';
  }

  private ref(name: string): string[] {
    if (this.isResource(name) || this.parameters.has(name) || PSEUDO_PARAMETERS.has(name)) return [];
    const known = [...Object.keys(this.resources), ...this.parameters];
    return [`Ref ${name} names no resource or parameter in this template${didYouMean(name, known)}`];
  }

  private getAtt(argument: unknown): string[] {
    if (typeof argument === 'string') {
      const dot = argument.indexOf('.');
      if (dot < 0) return [`Fn::GetAtt ${argument} names no attribute`];
      return this.attribute(argument.slice(0, dot), argument.slice(dot + 1));
    }
    if (!Array.isArray(argument) || typeof argument[0] !== 'string') return [];
    const [target, attribute] = argument as [string, unknown];
    return this.attribute(target, typeof attribute === 'string' ? attribute : undefined);
  }

  /** `attribute` is undefined when an intrinsic chooses it. */
  private attribute(target: string, attribute: string | undefined): string[] {
    const label = `Fn::GetAtt ${target}.${attribute ?? '…'}`;
    const resource = this.isResource(target) ? this.resources[target] : undefined;
    if (!resource) return [`${label} names no resource in this template${this.hint(target)}`];
    const type = typeof resource.Type === 'string' ? resource.Type : '';
    const schema = this.spec.resource(type);
    // Custom resources return what their handler sets; unknown types are reported on their own.
    if (attribute === undefined || isCustomResourceType(type) || !schema) return [];
    if (type === 'AWS::CloudFormation::Stack' && attribute.startsWith('Outputs.')) return [];
    const names = Object.keys(schema.attributes);
    if (names.includes(attribute)) return [];
    const listed = names.length > 6 ? [...names.slice(0, 6), '…'] : names;
    const hint = didYouMean(attribute, names) || ` (it has ${listed.join(', ') || 'none'})`;
    return [`${label}: ${type} has no attribute ${attribute}${hint}`];
  }

  private sub(argument: unknown): string[] {
    const [text, variables] = Array.isArray(argument) ? argument : [argument];
    if (typeof text !== 'string') return [];
    const own = new Set(isPlainObject(variables) ? Object.keys(variables) : []);
    return [...text.matchAll(/\$\{([^!}][^}]*)\}/g)].flatMap(([, raw]) => {
      const name = (raw ?? '').trim();
      if (own.has(name)) return [];
      const dot = name.indexOf('.');
      return dot < 0 ? this.ref(name) : this.attribute(name.slice(0, dot), name.slice(dot + 1));
    });
  }
}
