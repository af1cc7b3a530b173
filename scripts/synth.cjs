#!/usr/bin/env node
// `npm run synth`: bundle main.ts with esbuild when a source is newer than the bundle, then run
// the bundle in this process (no ts-node/tsx start-up; see `npm run bench`).
'use strict';
const { readdirSync, statSync } = require('node:fs');
const { join } = require('node:path');

const root = join(__dirname, '..');
const bundle = join(root, '.build', 'synth.cjs');

/** Newest mtime of the TypeScript sources the bundle is built from. */
function newestSource() {
  let newest = statSync(join(root, 'main.ts')).mtimeMs;
  for (const dir of ['lib', 'imports']) {
    for (const entry of readdirSync(join(root, dir), { recursive: true, withFileTypes: true })) {
      if (entry.isFile() && entry.name.endsWith('.ts')) newest = Math.max(newest, statSync(join(entry.parentPath ?? entry.path, entry.name)).mtimeMs);
    }
  }
  return newest;
}

let built = 0;
try {
  built = statSync(bundle).mtimeMs;
} catch {
  // no bundle yet
}
if (built <= newestSource()) {
  require('esbuild').buildSync({
    entryPoints: [join(root, 'main.ts')], bundle: true, platform: 'node', target: 'node20', outfile: bundle, logLevel: 'warning',
  });
}
require(bundle).run();
