// The schemas folder's public names, for core-internal imports (`../schemas`). Services import from
// '@mailroom/core', whose index re-exports these.
export * from './common';
export * from './address';
export * from './headers';
export * from './attachments';
export * from './send-mail';
export * from './size';
export * from './provider-rules';
export * from './json-depth';
export * from './issues';
export * as limits from './limits';
export * from './domain';
export * from './cidr';
