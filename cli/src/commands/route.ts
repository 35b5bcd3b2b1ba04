import { createHash, randomBytes } from 'node:crypto';
import { NotFoundError, RoutePatternSchema, type InboundRoute, type RouteDestination } from '@mailroom/core';
import { z } from 'zod';
import type { Group } from '../command';
import { parameterNames } from '../context';
import { UsageError } from '../errors';
import { table } from '../io';

/** The first 16 hex digits of the pattern's SHA-256: a Parameter Store name part whatever the pattern holds. */
export const patternHash = (pattern: string): string =>
  createHash('sha256').update(pattern, 'utf8').digest('hex').slice(0, 16);

/** `whsec_` + 32 random bytes, base64url, as tenants' status webhook secrets look. */
const newSecret = () => `whsec_${randomBytes(32).toString('base64url')}`;

const Url = z.url({ protocol: /^https?$/ }).max(2048);

const parsePattern = (raw: string, command: string): string => {
  const parsed = RoutePatternSchema.safeParse(raw);
  if (!parsed.success) {
    throw new UsageError(`"${raw}" is not an address pattern: use local@domain or *@domain`, command);
  }
  return parsed.data;
};

const url = (value: string, flag: string): string => {
  if (!Url.safeParse(value).success)
    throw new UsageError(`--${flag} must be an http(s) URL, not "${value}"`, 'route add');
  return value;
};

const where = (d: RouteDestination) =>
  d.type === 'webhook' ? `webhook ${d.url}` : d.type === 'queue' ? `queue ${d.queueUrl}` : 'store only';

export const routeCommands: Group = {
  name: 'route',
  summary: 'inbound routes: add, list, remove',
  commands: {
    add: {
      args: ['<address-pattern>', '<tenant>'],
      summary: 'route mail to an address (or *@domain) to a tenant; replaces the route of that pattern',
      options: {
        webhook: {
          type: 'string',
          value: '<url>',
          help: 'POST each mail there, signed (a secret is generated and shown once)',
        },
        queue: {
          type: 'string',
          value: '<url>',
          help: 'send each mail to this SQS queue (named mailroom-<stage>-inbound-to-…)',
        },
      },
      notes: [
        'Without --webhook or --queue the mail is kept in Mailroom only (store).',
        'A webhook secret is stored as a SecureString at /mailroom/<stage>/inbound/routes/<sha256(pattern)[0:16]>/secret.',
        'A queue must be named mailroom-<stage>-inbound-to-…: the process function may send to those only.',
      ],
      async run({ args, options }, ctx) {
        const pattern = parsePattern(args['address-pattern']!, 'route add');
        if (options.webhook !== undefined && options.queue !== undefined) {
          throw new UsageError('give --webhook or --queue, not both', 'route add');
        }
        const tenants = await ctx.tenants();
        if (!(await tenants.getTenant(args.tenant!)))
          throw new NotFoundError(`Tenant ${args.tenant} not found`);
        let destination: RouteDestination = { type: 'store' };
        let secret: string | undefined;
        if (typeof options.webhook === 'string') {
          const secretParameter = parameterNames(ctx.stage).routeSecret(patternHash(pattern));
          destination = { type: 'webhook', url: url(options.webhook, 'webhook'), secretParameter };
          secret = newSecret();
          // The secret before the route: a route must never name a parameter that does not exist.
          await (await ctx.secrets()).put(secretParameter, secret);
        } else if (typeof options.queue === 'string') {
          const queueUrl = url(options.queue, 'queue');
          const prefix = `mailroom-${ctx.stage}-inbound-to-`;
          if (!(new URL(queueUrl).pathname.split('/').pop() ?? '').startsWith(prefix)) {
            throw new UsageError(
              `the queue must be named ${prefix}… (the process function may send to those only)`,
              'route add',
            );
          }
          destination = { type: 'queue', queueUrl };
        }
        const routes = await ctx.routes();
        const previous = await routes.get(pattern);
        const route = await routes.put({ pattern, tenantId: args.tenant!, destination });
        if (previous?.destination.type === 'webhook' && destination.type !== 'webhook') {
          await (await ctx.secrets()).remove(previous.destination.secretParameter);
        }
        return {
          json: { ...route, ...(secret && { secret }) },
          text: [
            `${previous ? 'replaced' : 'added'} route ${route.pattern} → ${route.tenantId} (${where(route.destination)})`,
            ...(secret ? [`webhook secret: ${secret}`, 'Store it now: it is not shown again.'] : []),
          ].join('\n'),
        };
      },
    },
    list: {
      args: [],
      summary: 'list every inbound route',
      async run(_input, ctx) {
        const routes = await (await ctx.routes()).list();
        return {
          json: { items: routes },
          text:
            routes.length === 0
              ? 'no routes'
              : table(
                  ['PATTERN', 'TENANT', 'DESTINATION', 'CREATED'],
                  routes.map((r: InboundRoute) => [r.pattern, r.tenantId, where(r.destination), r.createdAt]),
                ),
        };
      },
    },
    remove: {
      args: ['<pattern>'],
      summary: 'remove a route (and its webhook secret)',
      async run({ args }, ctx) {
        const pattern = parsePattern(args.pattern!, 'route remove');
        const routes = await ctx.routes();
        const route = await routes.get(pattern);
        if (!route || !(await routes.remove(pattern))) throw new NotFoundError(`No route for ${pattern}`);
        if (route.destination.type === 'webhook') {
          await (await ctx.secrets()).remove(route.destination.secretParameter);
        }
        return { json: { removed: route }, text: `removed route ${pattern}` };
      },
    },
  },
};
