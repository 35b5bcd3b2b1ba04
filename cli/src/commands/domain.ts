import { DomainNameSchema, NotFoundError, type DomainRecord } from '@mailroom/core';
import { addDomain } from '@mailroom/outbound/src/domains/add-domain';
import { fieldsOf } from '@mailroom/outbound/src/domains/identities';
import { domainView, type DomainView } from '@mailroom/outbound/src/domains/records';
import type { Group } from '../command';
import type { Context } from '../context';
import { UsageError } from '../errors';
import { fields, table } from '../io';

const domainName = (raw: string, command: string): string => {
  const parsed = DomainNameSchema.safeParse(raw);
  if (!parsed.success) throw new UsageError(`"${raw}" is not a domain name`, command);
  return parsed.data;
};

const viewText = (view: DomainView) =>
  [
    fields({
      domain: view.domain,
      status: view.status,
      dkim: view.dkimStatus,
      'mail from': view.mailFrom,
      checked: view.checkedAt,
    }),
    'DNS records to publish:',
    table(
      ['TYPE', 'NAME', 'VALUE'],
      view.records.map((r) => [r.type, r.name, r.value]),
    ),
  ].join('\n');

async function allDomains(ctx: Context, tenantId: string): Promise<DomainRecord[]> {
  const { domains } = await ctx.domains();
  const out: DomainRecord[] = [];
  let after: string | undefined;
  do {
    const page = await domains.list(tenantId, { limit: 100, ...(after && { after }) });
    out.push(...page.items);
    after = page.last;
  } while (after);
  return out;
}

export const domainCommands: Group = {
  name: 'domain',
  summary: 'sending domains: add (SES identity with Easy DKIM), list, verify',
  commands: {
    add: {
      args: ['<tenant>', '<domain>'],
      summary: 'claim a sending domain for a tenant, create its SES identity and print the DNS records',
      options: { 'mail-from': { type: 'string', value: '<domain>', help: 'a custom MAIL FROM subdomain' } },
      async run({ args, options }, ctx) {
        const tenantId = args.tenant!;
        const domain = domainName(args.domain!, 'domain add');
        const mailFrom =
          typeof options['mail-from'] === 'string'
            ? domainName(options['mail-from'], 'domain add')
            : undefined;
        if (!(await (await ctx.tenants()).getTenant(tenantId)))
          throw new NotFoundError(`Tenant ${tenantId} not found`);
        const parts = await ctx.domains();
        // The same use case as POST /v1/domains: parent checks, the conditional claim, tagged identities.
        const view = await addDomain(
          tenantId,
          { domain, ...(mailFrom && { mailFrom }) },
          {
            ...parts,
            stage: ctx.stage,
            refreshAfterMs: 0,
            logger: { warn: () => undefined },
          },
        );
        return { json: view, text: `added ${view.domain} for ${tenantId}\n${viewText(view)}` };
      },
    },
    list: {
      args: ['<tenant>'],
      summary: "list a tenant's domains with their last known status",
      async run({ args }, ctx) {
        if (!(await (await ctx.tenants()).getTenant(args.tenant!)))
          throw new NotFoundError(`Tenant ${args.tenant} not found`);
        const { region } = await ctx.domains();
        const views = (await allDomains(ctx, args.tenant!)).map((r) => domainView(r, region));
        return {
          json: { items: views },
          text:
            views.length === 0
              ? `${args.tenant} has no domains`
              : table(
                  ['DOMAIN', 'STATUS', 'DKIM', 'MAIL FROM', 'CHECKED'],
                  views.map((v) => [v.domain, v.status, v.dkimStatus, v.mailFrom, v.checkedAt]),
                ),
        };
      },
    },
    verify: {
      args: ['<domain>'],
      summary: "read the domain's verification and DKIM status from SES and record it",
      notes: ['An SES error fails the command (unlike the API, which answers the stored status).'],
      async run({ args }, ctx) {
        const domain = domainName(args.domain!, 'domain verify');
        const { domains, identities, region } = await ctx.domains();
        const [record] = await domains.lookup([domain]);
        if (!record) throw new NotFoundError(`No tenant holds ${domain}`);
        const identity = await identities.get(domain);
        const now = new Date();
        const update = identity
          ? fieldsOf(identity, now)
          : { status: 'failed' as const, checkedAt: now.toISOString() };
        const updated = await domains.update(record.tenantId, domain, update);
        if (!updated) throw new NotFoundError(`${domain} was removed meanwhile`);
        const view = domainView(updated, region);
        return {
          json: { ...view, tenantId: updated.tenantId, ...(identity ? {} : { sesIdentity: null }) },
          text: `${domain} (${updated.tenantId}): ${view.status}${identity ? '' : ' — SES has no identity for it: run domain add again'}\n${viewText(view)}`,
        };
      },
    },
  },
};
