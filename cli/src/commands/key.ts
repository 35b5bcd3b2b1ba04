import { ApiScopeSchema, NotFoundError, type ApiKeyInfo, type ApiScope } from '@mailroom/core';
import { listOption, type Group } from '../command';
import { UsageError } from '../errors';
import { table } from '../io';

const keyRows = (keys: readonly ApiKeyInfo[]) =>
  table(
    ['KEY ID', 'SCOPES', 'ALLOWED IPS', 'CREATED', 'LAST USED', 'REVOKED'],
    keys.map((k) => [
      k.keyId,
      k.scopes.join(','),
      k.allowIps?.join(','),
      k.createdAt,
      k.lastUsedAt,
      k.revokedAt,
    ]),
  );

export const keyCommands: Group = {
  name: 'key',
  summary: 'API keys: create (shown once), list, revoke',
  commands: {
    create: {
      args: ['<tenant>'],
      summary: 'create an API key for a tenant and print it (the only time it is shown)',
      options: {
        scopes: {
          type: 'string',
          value: 'send,read,admin',
          help: 'what the key may do (required; none implies another)',
        },
        'allow-ip': {
          type: 'string',
          value: '<cidr>,...',
          help: 'IPv4/IPv6 CIDR blocks (or addresses) the key may be used from; default: anywhere',
        },
      },
      async run({ args, options }, ctx) {
        const scopes = listOption(options.scopes);
        if (!scopes?.length)
          throw new UsageError('--scopes is required, e.g. --scopes send,read', 'key create');
        for (const scope of scopes) {
          if (!ApiScopeSchema.safeParse(scope).success) {
            throw new UsageError(`unknown scope "${scope}": use send, read or admin`, 'key create');
          }
        }
        const allowIps = listOption(options['allow-ip']);
        if (options['allow-ip'] !== undefined && !allowIps?.length) {
          throw new UsageError('--allow-ip needs at least one CIDR block', 'key create');
        }
        const tenants = await ctx.tenants();
        const { keyId, key } = await tenants.createApiKey(args.tenant!, scopes as ApiScope[], {
          ...(allowIps && { allowIps }),
        });
        const info = (await tenants.listKeys(args.tenant!)).find((k) => k.keyId === keyId);
        return {
          json: {
            keyId,
            key,
            tenantId: args.tenant,
            scopes: info?.scopes ?? scopes,
            ...(info?.allowIps && { allowIps: info.allowIps }),
          },
          text: [
            `created key ${keyId} for ${args.tenant} (scopes ${scopes.join(',')}${info?.allowIps ? `, from ${info.allowIps.join(', ')}` : ''})`,
            `key: ${key}`,
            'Store it now: it is not shown again.',
          ].join('\n'),
        };
      },
    },
    list: {
      args: ['<tenant>'],
      summary: "list a tenant's keys (never the keys themselves)",
      async run({ args }, ctx) {
        const tenants = await ctx.tenants();
        if (!(await tenants.getTenant(args.tenant!))) {
          throw new NotFoundError(`Tenant ${args.tenant} not found`);
        }
        const keys = await tenants.listKeys(args.tenant!);
        return {
          json: { items: keys },
          text: keys.length === 0 ? `${args.tenant} has no keys` : keyRows(keys),
        };
      },
    },
    revoke: {
      args: ['<keyId>'],
      summary: 'revoke a key (idempotent; the first revocation time is kept)',
      async run({ args }, ctx) {
        const info = await (await ctx.tenants()).revokeKeyById(args.keyId!);
        return { json: info, text: `revoked ${info.keyId} (tenant ${info.tenantId}) at ${info.revokedAt}` };
      },
    },
  },
};
