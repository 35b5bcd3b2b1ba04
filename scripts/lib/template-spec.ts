/**
 * Deploy gate: a packaged template must be valid against the CloudFormation resource specification
 * (scripts/lib/cfn-spec.ts), so a misspelt property fails `pnpm run package` instead of the first
 * deploy. Checks resource types and resource-level keys here, properties in cfn-properties.ts and
 * Ref / Fn::GetAtt / DependsOn targets in cfn-references.ts.
 */
import { PropertyChecker } from './cfn-properties';
import { ReferenceChecker } from './cfn-references';
import type { CfnSpec } from './cfn-spec';
import { isCustomResourceType, RESOURCE_ATTRIBUTES, type Resource, type Template } from './cfn-template';
import { didYouMean } from './did-you-mean';

const RESOURCE_KEYS = new Set<string>(RESOURCE_ATTRIBUTES);

function resourceProblems(spec: CfnSpec, id: string, resource: Resource): string[] {
  const problems = Object.keys(resource)
    .filter((key) => !RESOURCE_KEYS.has(key))
    .map((key) => `${key} is not a resource attribute${didYouMean(key, RESOURCE_KEYS)}`);
  const type: unknown = resource.Type;
  if (typeof type !== 'string') return [...problems, 'Type is missing'];
  if (isCustomResourceType(type)) {
    if (resource.Properties?.ServiceToken === undefined)
      problems.push(`ServiceToken is missing (required by ${type})`);
    return problems;
  }
  const schema = spec.resource(type);
  if (!schema) {
    return [
      ...problems,
      `${type} is not a CloudFormation resource type${didYouMean(type, spec.resourceTypes())}`,
    ];
  }
  return [...problems, ...new PropertyChecker(spec, type).resource(resource.Properties, schema.properties)];
}

/** Every way the template breaks the specification, one message per problem. */
export function checkTemplateSpec(template: Template, spec: CfnSpec): string[] {
  const references = new ReferenceChecker(spec, template);
  const resources = Object.entries(template.Resources ?? {}).flatMap(([id, resource]) => [
    ...resourceProblems(spec, id, resource).map((problem) => `${id}: ${problem}`),
    ...references.references(id, resource.Properties),
    ...references.dependsOn(id, resource.DependsOn),
  ]);
  const outputs = Object.entries(template.Outputs ?? {}).flatMap(([name, output]) =>
    references.references(`Outputs.${name}`, output),
  );
  return [...resources, ...outputs];
}
