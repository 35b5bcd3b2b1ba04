import { createRequire } from 'node:module';

// serverless.yml loads it as CommonJS (`${file(./receipt-domains.cjs):slots}`); so does this test.
const { domainSlots, RECEIPT_RULE_SLOTS, slots } = createRequire(__filename)('../../receipt-domains.cjs') as {
  domainSlots(list: unknown): string;
  RECEIPT_RULE_SLOTS: number;
  slots(sls: { resolveConfigurationProperty(path: string[]): Promise<unknown> }): Promise<string>;
};

describe('inboundDomains → receipt rule slots', () => {
  it('pads the list to the five rules, none when empty', () => {
    expect(RECEIPT_RULE_SLOTS).toBe(5);
    expect(domainSlots('')).toBe(',,,,');
    expect(domainSlots(undefined)).toBe(',,,,');
    expect(domainSlots('in.acme.example,In.Globex.Example')).toBe('in.acme.example,In.Globex.Example,,,');
    expect(domainSlots('a.example,b.example,c.example,d.example,e.example')).toBe(
      'a.example,b.example,c.example,d.example,e.example',
    );
  });

  it('refuses a sixth domain, naming the ones that would receive no mail', () => {
    expect(() =>
      domainSlots('a.example,b.example,c.example,d.example,e.example,f.example,g.example'),
    ).toThrow(
      'inboundDomains names 7 domains, but the receipt rule set has 5 rules (ReceiptRule1–5 in ' +
        'services/inbound/serverless.yml), so f.example, g.example would receive no mail',
    );
  });

  it.each([
    ['a space after a comma', 'a.example, b.example', '" b.example" is not a domain name'],
    ['an empty entry', 'a.example,,b.example', '"" is not a domain name'],
    ['a trailing comma', 'a.example,', '"" is not a domain name'],
    ['an address, not a domain', 'support@a.example', '"support@a.example" is not a domain name'],
    ['a wildcard', '*.a.example', '"*.a.example" is not a domain name'],
  ])('refuses %s', (_name, list, message) => {
    expect(() => domainSlots(list)).toThrow(message);
  });

  it('refuses a domain named twice, whatever its case', () => {
    expect(() => domainSlots('a.example,A.Example')).toThrow('inboundDomains names a.example more than once');
  });

  it('reads the list Serverless resolved for custom.inboundDomains', async () => {
    const asked: string[][] = [];
    const answer = await slots({
      resolveConfigurationProperty: async (path) => {
        asked.push(path);
        return 'in.acme.example';
      },
    });
    expect(asked).toEqual([['custom', 'inboundDomains']]);
    expect(answer).toBe('in.acme.example,,,,');
  });
});
