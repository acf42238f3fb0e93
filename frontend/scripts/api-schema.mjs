// Generate (or check) src/api/schema.d.ts from the OpenAPI document.
//
//   node scripts/api-schema.mjs generate   write src/api/schema.d.ts
//   node scripts/api-schema.mjs check      regenerate to a temp file; exit 1 if it differs
//
// The source is package.json "config.openapi" (a path relative to frontend/),
// overridable with OPENAPI_SCHEMA=path: the backend's document, ../var/openapi.json, which
// `make openapi` (techbroker openapi --output var/openapi.json) writes from the live app.
import { execFileSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const pkg = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8'));
const source = resolve(root, process.env.OPENAPI_SCHEMA ?? pkg.config.openapi);
const target = join(root, 'src/api/schema.d.ts');
const cli = join(root, 'node_modules/openapi-typescript/bin/cli.js');

/** @param {string} output */
function generate(output) {
  if (!existsSync(source)) {
    console.error(`OpenAPI document not found: ${source}`);
    console.error('Write it with `make openapi` (in the repository root) or set OPENAPI_SCHEMA.');
    process.exit(2);
  }
  // --default-non-nullable=false: a request field with a default stays optional (FastAPI
  // already lists response fields with defaults as required).
  execFileSync(process.execPath, [cli, source, '--output', output, '--default-non-nullable', 'false'], {
    cwd: root,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const mode = process.argv[2];
if (mode === 'generate') {
  generate(target);
  console.log(`src/api/schema.d.ts generated from ${source}`);
} else if (mode === 'check') {
  const dir = mkdtempSync(join(tmpdir(), 'techbroker-api-'));
  try {
    const fresh = join(dir, 'schema.d.ts');
    generate(fresh);
    const committed = existsSync(target) ? readFileSync(target, 'utf8') : '';
    if (readFileSync(fresh, 'utf8') !== committed) {
      console.error(`src/api/schema.d.ts is stale against ${source}: run \`npm run gen:api\` and commit the result.`);
      process.exit(1);
    }
    console.log('src/api/schema.d.ts is up to date.');
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
} else {
  console.error('usage: api-schema.mjs generate|check');
  process.exit(2);
}
