'use strict';
/**
 * Serverless plugin for the local cloud. serverless-offline hands function environments to
 * handlers through `renderIntrinsicFunction`, which leaves `{ Ref: X }` and `{ 'Fn::GetAtt': … }`
 * as objects; on AWS, CloudFormation resolves them. Under `serverless offline`, this plugin
 * replaces them with the local values the launcher (packages/local) resolved and provisioned,
 * read from the JSON file named by MAILROOM_LOCAL_CLOUD_FILE.
 *
 * It hooks only offline lifecycle events and `invoke local`, so `serverless package`, deploy and
 * print see the template unchanged.
 */
const { readFileSync } = require('node:fs');

const DATA_ENV = 'MAILROOM_LOCAL_CLOUD_FILE';

class MailroomLocalCloud {
  constructor(serverless, options = {}) {
    this.serverless = serverless;
    this.options = options;
    this.applied = false;
    const apply = () => this.apply();
    this.hooks = {
      // `offline` runs offline:start, `offline start` runs offline:start:init; both before any
      // lambda is created (serverless-offline and serverless-offline-sqs read env at init).
      'before:offline:start': apply,
      'before:offline:start:init': apply,
      'before:invoke:local:loadEnvVars': apply,
    };
  }

  fail(message) {
    const ServerlessError = (this.serverless.classes && this.serverless.classes.Error) || Error;
    throw new ServerlessError(`[mailroom local cloud] ${message}`);
  }

  apply() {
    if (this.applied) return;
    this.applied = true;
    const service = this.serverless.service;
    const name = service.service;
    const file = process.env[DATA_ENV];
    if (!file) {
      this.fail(
        `${DATA_ENV} is not set: ${name} needs the local cloud's resources. ` +
          'Start it with `pnpm dev` from the repository root (or startLocalCloud() from @mailroom/local).',
      );
    }
    let data;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      this.fail(`cannot read ${DATA_ENV}=${file} (${error.message}); is the local cloud still running?`);
    }
    const stage = this.options.stage || service.provider.stage;
    if (data.stage !== stage) this.fail(`the local cloud runs stage "${data.stage}", not "${stage}"`);
    const resolved = data.services[name];
    if (!resolved) this.fail(`the local cloud has no resources for service ${name}`);

    service.provider.environment = this.replace(service.provider.environment, resolved.provider, 'provider');
    for (const key of service.getAllFunctions()) {
      const fn = service.getFunction(key);
      fn.environment = this.replace(fn.environment, resolved.functions[key] || {}, `function ${key}`);
    }
  }

  /** Intrinsics become their local values; nulls (`${env:X, null}` left unset) are dropped. */
  replace(environment, values, where) {
    if (!environment) return environment;
    const out = {};
    for (const [key, value] of Object.entries(environment)) {
      if (value === null || value === undefined) continue;
      if (typeof value !== 'object') {
        out[key] = value;
      } else if (Object.prototype.hasOwnProperty.call(values, key)) {
        out[key] = values[key];
      } else {
        this.fail(
          `${where} environment ${key} is ${JSON.stringify(value)}, which the local cloud did not resolve; restart it`,
        );
      }
    }
    return out;
  }
}

module.exports = MailroomLocalCloud;
