// Tests exercise every refusal path, and each handler logs its refusals at INFO: thousands of lines that
// bury a failure in CI's output. Tests log from WARN up unless the run asks for more
// (POWERTOOLS_LOG_LEVEL=INFO pnpm test).
process.env.POWERTOOLS_LOG_LEVEL ??= 'WARN';
