/** `pnpm lake:query`: see scripts/lib/lake/cli.ts and docs/lake.md. */
import { repoRoot } from '@mailroom/local';
import { lakeQueryCli } from './lib/lake/cli';

lakeQueryCli(process.argv.slice(2), {
  out: (text) => console.log(text),
  err: (text) => console.error(text),
  root: repoRoot(__dirname),
  env: process.env,
}).then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
