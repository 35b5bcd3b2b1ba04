/** What `pnpm lake:query` refuses, each with a stable code; the command prints the message and exits 1. */
export class LakeQueryError extends Error {
  constructor(
    readonly code: string,
    message: string,
    options?: ErrorOptions,
  ) {
    super(message, options);
    this.name = new.target.name;
  }
}

/** The command line itself is wrong (an unknown flag, `--param` without `=`, no query name). */
export class UsageError extends LakeQueryError {
  constructor(message: string) {
    super('LAKE.USAGE', message);
  }
}

export class UnknownQueryError extends LakeQueryError {
  constructor(name: string, known: readonly string[]) {
    super('LAKE.UNKNOWN_QUERY', `No named query "${name}". The events stack has: ${known.join(', ')}.`);
  }
}

/** A parameter is missing, not the query's, or not of the type the query compares it with. */
export class ParamError extends LakeQueryError {
  constructor(message: string) {
    super('LAKE.PARAM', message);
  }
}

/** No lake object to read: nothing has been written yet, or the wrong directory. */
export class EmptyLakeError extends LakeQueryError {
  constructor(where: string) {
    super(
      'LAKE.EMPTY',
      `No lake data in ${where}: no object under provider=<p>/year=YYYY/month=MM/day=DD/hour=HH/.`,
    );
  }
}

/** The local cloud's S3 does not answer, or the lake bucket does not exist there. */
export class LakeUnavailableError extends LakeQueryError {
  constructor(message: string, options?: ErrorOptions) {
    super('LAKE.UNAVAILABLE', message, options);
  }
}

/** The events stack's Glue table or named queries are not what this command can run. */
export class LakeCatalogError extends LakeQueryError {
  constructor(message: string) {
    super('LAKE.CATALOG', message);
  }
}
