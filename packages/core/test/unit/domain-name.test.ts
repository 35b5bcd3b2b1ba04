import {
  domainAndParents,
  DomainNameSchema,
  emailDomain,
  isSameOrSubdomain,
  normalizeDomain,
  parseOrThrow,
  ValidationError,
} from '../../src';

describe('domain names', () => {
  it('spells a domain one way: lower case, no trailing dot, no surrounding spaces', () => {
    expect(normalizeDomain('Mail.ACME.example.')).toBe('mail.acme.example');
    expect(normalizeDomain('  acme.example ')).toBe('acme.example');
    expect(normalizeDomain('acme.localhost')).toBe('acme.localhost');
  });

  it('turns internationalised names into punycode, the form DNS, SES and a from address use', () => {
    expect(normalizeDomain('Bücher.example')).toBe('xn--bcher-kva.example');
    expect(normalizeDomain('xn--bcher-kva.example')).toBe('xn--bcher-kva.example');
  });

  it.each([
    ['a single label', 'localhost'],
    ['an empty label', 'a..example'],
    ['a leading dot', '.acme.example'],
    ['a label starting with a hyphen', '-acme.example'],
    ['an underscore', 'mail_1.acme.example'],
    ['a space', 'ac me.example'],
    ['an address, not a domain', 'shop@acme.example'],
    ['a numeric top level (an IP address)', '192.0.2.1'],
    ['an IDN top level, which no from address can carry', 'παράδειγμα.δοκιμή'],
    ['broken punycode', 'xn--zz.example'],
    ['a label over 63 characters', `${'a'.repeat(64)}.example`],
    ['a name over 253 characters', `${'a.'.repeat(126)}example`],
  ])('refuses %s', (_what, input) => {
    expect(normalizeDomain(input)).toBeUndefined();
    expect(() => parseOrThrow(DomainNameSchema, input)).toThrow(ValidationError);
  });

  it('parses to the canonical spelling through the zod schema', () => {
    expect(parseOrThrow(DomainNameSchema, 'Mail.Acme.Example.')).toBe('mail.acme.example');
  });

  it('lists a domain and the parents that could be sending domains, nearest first', () => {
    expect(domainAndParents('a.mail.acme.example')).toEqual([
      'a.mail.acme.example',
      'mail.acme.example',
      'acme.example',
    ]);
    expect(domainAndParents('acme.example')).toEqual(['acme.example']);
  });

  it('treats a parent as a whole-label suffix: evilacme.example is not under acme.example', () => {
    expect(isSameOrSubdomain('mail.acme.example', 'acme.example')).toBe(true);
    expect(isSameOrSubdomain('acme.example', 'acme.example')).toBe(true);
    expect(isSameOrSubdomain('evilacme.example', 'acme.example')).toBe(false);
    expect(domainAndParents('evilacme.example')).not.toContain('acme.example');
  });

  it('reads the domain of an address, lower-cased', () => {
    expect(emailDomain('Shop@Mail.Acme.Example')).toBe('mail.acme.example');
  });
});
