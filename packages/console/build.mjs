// Builds the console (src/main.tsx and its CSS) with esbuild into dist/assets.cjs: one CommonJS module
// holding every file as a string, which the api service's console function bundles and serves. File
// names carry a content hash, so the page can cache them for good. Runs on `pnpm install` (prepare),
// before `pnpm run package` and `pnpm dev`; takes about a second.
import { createHash } from 'node:crypto';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const here = dirname(fileURLToPath(import.meta.url));
const started = Date.now();

const result = await build({
  entryPoints: [join(here, 'src', 'main.tsx')],
  bundle: true,
  minify: true,
  write: false,
  outdir: join(here, 'dist'),
  format: 'esm',
  target: ['chrome110', 'firefox115', 'safari16'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  legalComments: 'none',
  logLevel: 'warning',
});

const types = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' };
const files = {};
const entry = {};
for (const out of result.outputFiles) {
  const ext = out.path.slice(out.path.lastIndexOf('.'));
  const hash = createHash('sha256').update(out.contents).digest('hex').slice(0, 12);
  const name = `app-${hash}${ext}`;
  files[name] = { contentType: types[ext], body: out.text };
  entry[ext.slice(1)] = name;
}

const dist = join(here, 'dist');
mkdirSync(dist, { recursive: true });
writeFileSync(join(dist, 'assets.cjs'), `module.exports = ${JSON.stringify({ files, entry })};\n`);
const size = Object.values(files).reduce((sum, file) => sum + Buffer.byteLength(file.body), 0);
console.log(
  `console built: ${Object.keys(files).join(', ')} (${Math.round(size / 1024)} KiB) in ${Date.now() - started} ms`,
);
