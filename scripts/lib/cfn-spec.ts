/**
 * The CloudFormation resource specification the template gates check against: the registry schemas
 * AWS publishes, as the AWS CDK ships them in `@aws-cdk/aws-service-spec` (a gzipped JSON database,
 * read with the package's own loader). Loaded once per process; loading takes about a second.
 */
import { loadAwsServiceSpec } from '@aws-cdk/aws-service-spec';
import type {
  DefinitionReference,
  Resource as SpecResource,
  SpecDatabase,
  TypeDefinition,
} from '@aws-cdk/service-spec-types';

export type { PropertyType, ResourceProperties } from '@aws-cdk/service-spec-types';
export type { SpecResource, TypeDefinition };

export type CfnSpec = {
  /** The resource type's schema, or undefined when CloudFormation has no such type. */
  resource(type: string): SpecResource | undefined;
  /** A nested property type (a `ref` in a property's type). */
  definition(reference: DefinitionReference): TypeDefinition;
  /** Every resource type name, for suggestions. */
  resourceTypes(): string[];
  /** How long reading and indexing the database took. */
  readonly loadMs: number;
};

function wrap(db: SpecDatabase, loadMs: number): CfnSpec {
  let typeNames: string[] | undefined;
  return {
    resource: (type) => db.lookup('resource', 'cloudFormationType', 'equals', type)[0],
    definition: (reference) => db.get('typeDefinition', reference.reference),
    resourceTypes: () => (typeNames ??= db.all('resource').map((r) => r.cloudFormationType)),
    loadMs,
  };
}

let loading: Promise<CfnSpec> | undefined;

/** The specification, read from disk the first time only. */
export function loadCfnSpec(): Promise<CfnSpec> {
  loading ??= (async () => {
    const started = performance.now();
    const db = await loadAwsServiceSpec();
    return wrap(db, performance.now() - started);
  })();
  return loading;
}
