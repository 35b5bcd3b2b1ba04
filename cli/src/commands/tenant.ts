import { NotFoundError, ProviderSchema, type Tenant, type TenantFields } from '@mailroom/core';
import { choiceOption, numberOption, type Group } from '../command';
import { parameterNames } from '../context';
import { UsageError } from '../errors';
import { fields, table } from '../io';

const show = (tenant: Tenant) =>
  fields({
    tenant: tenant.tenantId,
    name: tenant.name,
    provider: tenant.provider ?? 'default',
    'sendgrid key': tenant.sendgridKey ?? 'platform',
    'send rate': tenant.sendRate === undefined ? 'default share' : `${tenant.sendRate}/s`,
    created: tenant.createdAt,
  });

export const tenantCommands: Group = {
  name: 'tenant',
  summary: 'tenants: create, list, show, update',
  commands: {
    create: {
      args: ['<id>'],
      summary: 'create a tenant (2–63 characters of a–z, 0–9 and "-")',
      options: { name: { type: 'string', value: '<name>', help: 'a display name' } },
      async run({ args, options }, ctx) {
        const tenants = await ctx.tenants();
        const name = typeof options.name === 'string' ? options.name : undefined;
        const tenant = await tenants.createTenant(args.id!, name === undefined ? {} : { name });
        return { json: tenant, text: `created tenant ${tenant.tenantId}` };
      },
    },
    list: {
      args: [],
      summary: 'list every tenant',
      async run(_input, ctx) {
        const tenants = await (await ctx.tenants()).listTenants();
        return {
          json: { items: tenants },
          text:
            tenants.length === 0
              ? 'no tenants'
              : table(
                  ['TENANT', 'PROVIDER', 'SENDGRID KEY', 'SEND RATE', 'CREATED'],
                  tenants.map((t) => [t.tenantId, t.provider, t.sendgridKey, t.sendRate, t.createdAt]),
                ),
        };
      },
    },
    show: {
      args: ['<id>'],
      summary: "show a tenant's settings and API keys",
      async run({ args }, ctx) {
        const store = await ctx.tenants();
        const tenant = await store.getTenant(args.id!);
        if (!tenant) throw new NotFoundError(`Tenant ${args.id} not found`);
        const keys = await store.listKeys(tenant.tenantId);
        const active = keys.filter((k) => k.revokedAt === undefined).length;
        return {
          json: { ...tenant, keys },
          text: `${show(tenant)}\n${fields({ keys: `${active} active, ${keys.length - active} revoked` })}`,
        };
      },
    },
    update: {
      args: ['<id>'],
      summary: "change a tenant's provider, SendGrid key or send rate",
      options: {
        provider: { type: 'string', value: 'ses|sendgrid', help: 'the default provider of its mail' },
        'sendgrid-key': {
          type: 'string',
          value: 'tenant|platform',
          help: "send SendGrid mail with the tenant's own key (stored in Parameter Store) or the platform's",
        },
        'key-value': {
          type: 'string',
          value: '<SG.…>',
          help: "the tenant's SendGrid key (else read from stdin, or asked for on a terminal)",
        },
        'send-rate': { type: 'string', value: '<N>', help: 'its own send rate, recipients per second (> 0)' },
        name: { type: 'string', value: '<name>', help: 'a display name' },
      },
      notes: [
        '--sendgrid-key tenant stores the key as a SecureString at',
        '/mailroom/<stage>/tenants/<id>/sendgrid-api-key before the tenant switches to it.',
      ],
      async run({ args, options }, ctx) {
        const tenantId = args.id!;
        const update: TenantFields = {};
        const provider = choiceOption(options.provider, 'provider', ProviderSchema.options);
        if (provider) update.provider = provider;
        const owner = choiceOption(options['sendgrid-key'], 'sendgrid-key', ['tenant', 'platform'] as const);
        if (owner) update.sendgridKey = owner;
        const rate = numberOption(options['send-rate'], 'send-rate', (n) => n > 0, 'a number above 0');
        if (rate !== undefined) update.sendRate = rate;
        if (typeof options.name === 'string') update.name = options.name;
        if (options['key-value'] !== undefined && owner !== 'tenant') {
          throw new UsageError('--key-value goes with --sendgrid-key tenant', 'tenant update');
        }
        if (Object.keys(update).length === 0) {
          throw new UsageError(
            'nothing to update: give --provider, --sendgrid-key, --send-rate or --name',
            'tenant update',
          );
        }
        const store = await ctx.tenants();
        if (!(await store.getTenant(tenantId))) throw new NotFoundError(`Tenant ${tenantId} not found`);
        let parameter: string | undefined;
        if (owner === 'tenant') {
          // The key first: a tenant switched to its own key before the key exists would fail its mail.
          const key =
            typeof options['key-value'] === 'string'
              ? options['key-value']
              : await ctx.io.readSecret(`SendGrid API key for ${tenantId}: `);
          if (key.trim() === '') throw new UsageError('the SendGrid key is empty', 'tenant update');
          parameter = parameterNames(ctx.stage).sendgridKey(tenantId);
          await (await ctx.secrets()).put(parameter, key.trim());
        }
        const tenant = await store.updateTenant(tenantId, update);
        return {
          json: { ...tenant, ...(parameter && { sendgridKeyParameter: parameter }) },
          text: `updated tenant ${tenantId}${parameter ? ` (SendGrid key stored at ${parameter})` : ''}\n${show(tenant)}`,
        };
      },
    },
  },
};
