/**
 * docs/api.md from the OpenAPI document (services/api/src/openapi): per endpoint its method, path,
 * service, scope, parameters, request body fields, answers and error codes; then the schemas the
 * answers refer to. Plain Markdown, no template engine: the document's shape is all it reads.
 */

interface Schema {
  $ref?: string;
  type?: string | string[];
  format?: string;
  enum?: unknown[];
  const?: unknown;
  items?: Schema;
  anyOf?: Schema[];
  oneOf?: Schema[];
  properties?: Record<string, Schema>;
  additionalProperties?: Schema | boolean;
  required?: string[];
  description?: string;
  default?: unknown;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
}
interface Parameter {
  in: string;
  name: string;
  required?: boolean;
  description?: string;
  schema?: Schema;
}
interface Answer {
  description: string;
  content?: Record<string, { schema: Schema }>;
}
interface Operation {
  summary?: string;
  description?: string;
  tags?: string[];
  parameters?: Parameter[];
  requestBody?: { content: Record<string, { schema: Schema }> };
  responses: Record<string, Answer>;
  'x-mailroom-scope'?: string | null;
  'x-mailroom-pending'?: boolean;
}
export interface ApiDocument {
  info: { title: string; description?: string };
  paths: Record<string, Record<string, Operation>>;
  components?: { schemas?: Record<string, Schema> };
}

const METHODS = ['get', 'post', 'put', 'patch', 'delete'];
const refName = (ref: string) => ref.slice(ref.lastIndexOf('/') + 1);
const cell = (text: string) => text.replace(/\|/g, '\\|').replace(/\n/g, ' ');
const SAFE_INTEGER = Number.MAX_SAFE_INTEGER;

/** A short type: `string (date-time)`, `Address[]`, `"ses" \| "sendgrid"`, `Message`. */
export function typeOf(schema: Schema | undefined): string {
  if (!schema) return 'any';
  if (schema.$ref) return `[${refName(schema.$ref)}](#${refName(schema.$ref).toLowerCase()})`;
  if (schema.const !== undefined) return JSON.stringify(schema.const);
  if (schema.enum) return schema.enum.map((v) => JSON.stringify(v)).join(' \\| ');
  const union = schema.anyOf ?? schema.oneOf;
  if (union) return union.map(typeOf).join(' \\| ');
  const type = Array.isArray(schema.type) ? schema.type.join(' \\| ') : schema.type;
  if (type === 'array') {
    const item = typeOf(schema.items);
    return item.includes(' \\| ') ? `(${item})[]` : `${item}[]`;
  }
  if (type === 'object' && !schema.properties && typeof schema.additionalProperties === 'object') {
    return `map of ${typeOf(schema.additionalProperties)}`;
  }
  return schema.format ? `${type} (${schema.format})` : (type ?? 'any');
}

/** Limits and defaults worth a reader's eye: `1–100, default 25`. */
function limits(schema: Schema | undefined): string {
  if (!schema) return '';
  const parts: string[] = [];
  const range = (min?: number, max?: number, unit = '') => {
    const lo = min === undefined || min <= -SAFE_INTEGER ? undefined : min;
    const hi = max === undefined || max >= SAFE_INTEGER ? undefined : max;
    if (lo !== undefined && hi !== undefined) parts.push(`${lo}–${hi}${unit}`);
    else if (lo !== undefined && lo > 0) parts.push(`≥ ${lo}${unit}`);
    else if (hi !== undefined) parts.push(`≤ ${hi}${unit}`);
  };
  range(schema.minimum, schema.maximum);
  range(schema.minLength, schema.maxLength, ' chars');
  range(schema.minItems, schema.maxItems, ' items');
  if (schema.default !== undefined) parts.push(`default ${JSON.stringify(schema.default)}`);
  return parts.join(', ');
}

const describe = (schema: Schema | undefined, description?: string) =>
  [description ?? schema?.description, limits(schema)].filter(Boolean).join(' — ');

function fieldsTable(schema: Schema): string[] {
  const required = new Set(schema.required ?? []);
  return [
    '| field | type | required | description |',
    '| --- | --- | --- | --- |',
    ...Object.entries(schema.properties ?? {}).map(
      ([name, field]) =>
        `| \`${name}\` | ${typeOf(field)} | ${required.has(name) ? 'yes' : 'no'} | ${cell(describe(field))} |`,
    ),
  ];
}

function endpoint(doc: ApiDocument, method: string, path: string, op: Operation): string[] {
  const scope = op['x-mailroom-scope'];
  const lines = [
    `### \`${method.toUpperCase()} ${path}\``,
    '',
    `${op.summary ?? ''}${op.description ? `. ${op.description}` : ''}`.trim(),
    '',
    `Service: ${op.tags?.join(', ') ?? '—'} · Scope: ${scope ? `\`${scope}\`` : 'none (no API key)'}` +
      (op['x-mailroom-pending'] ? ' · *documented ahead of its handler*' : ''),
    '',
  ];
  if (op.parameters?.length) {
    lines.push('| parameter | in | type | required | description |', '| --- | --- | --- | --- | --- |');
    for (const p of op.parameters) {
      lines.push(
        `| \`${p.name}\` | ${p.in} | ${typeOf(p.schema)} | ${p.required ? 'yes' : 'no'} | ${cell(describe(p.schema, p.description))} |`,
      );
    }
    lines.push('');
  }
  const body = op.requestBody?.content['application/json']?.schema;
  if (body) {
    lines.push(`Request body: ${typeOf(body)}`, '');
    const resolved = body.$ref ? doc.components?.schemas?.[refName(body.$ref)] : body;
    if (resolved?.properties) lines.push(...fieldsTable(resolved), '');
  }
  lines.push('| status | body | when |', '| --- | --- | --- |');
  for (const [status, answer] of Object.entries(op.responses)) {
    const schema = answer.content?.['application/json']?.schema;
    lines.push(`| ${status} | ${schema ? typeOf(schema) : '—'} | ${cell(answer.description)} |`);
  }
  lines.push('');
  return lines;
}

function schemaSection(name: string, schema: Schema): string[] {
  const lines = [`### ${name}`, ''];
  if (schema.description) lines.push(schema.description, '');
  if (schema.properties) lines.push(...fieldsTable(schema));
  else lines.push(`Type: ${typeOf({ ...schema, description: undefined })}`);
  lines.push('');
  return lines;
}

/** The whole of docs/api.md (generated, so prettier leaves it alone: .prettierignore). */
export function renderApiReference(doc: ApiDocument): string {
  const lines = [
    '# HTTP API reference',
    '',
    '<!-- Generated by `pnpm docs:api` from the OpenAPI document (GET /v1/openapi.json); do not edit. -->',
    '',
    doc.info.description ?? '',
    '',
    '## Endpoints',
    '',
  ];
  for (const [path, item] of Object.entries(doc.paths)) {
    for (const method of METHODS) {
      const op = item[method];
      if (op) lines.push(...endpoint(doc, method, path, op));
    }
  }
  lines.push('## Schemas', '');
  for (const [name, schema] of Object.entries(doc.components?.schemas ?? {}).sort(([a], [b]) =>
    a.localeCompare(b),
  )) {
    lines.push(...schemaSection(name, schema));
  }
  return `${lines
    .join('\n')
    .replace(/\n{3,}/g, '\n\n')
    .trimEnd()}\n`;
}
