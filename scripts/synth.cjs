#!/usr/bin/env node
// `npm run synth`: bundle main.ts with esbuild when a source changed since the bundle was built,
// then run the bundle in this process (no ts-node/tsx start-up; see `npm run bench`).
'use strict';
const { closeSync, fsyncSync, mkdirSync, openSync, readSync, renameSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');
const { sourcesKey } = require('./sources-key.cjs');

const root = join(__dirname, '..');
const bundle = join(root, '.build', 'synth.cjs');

/** The key on the bundle's first line, or undefined. */
function bundleKey() {
  try {
    const fd = openSync(bundle, 'r');
    const head = Buffer.alloc(100);
    const n = readSync(fd, head, 0, head.length, 0);
    closeSync(fd);
    return /^\/\/ sources ([0-9a-f]{64})\n/.exec(head.toString('utf8', 0, n))?.[1];
  } catch {
    return undefined; // no bundle yet
  }
}

const key = sourcesKey(root);
if (bundleKey() !== key) {
  const { outputFiles } = require('esbuild').buildSync({
    entryPoints: [join(root, 'main.ts')],
    bundle: true,
    platform: 'node',
    target: 'node20',
    write: false,
    outfile: bundle,
    banner: { js: `// sources ${key}` },
    logLevel: 'warning',
    external: ['esbuild'], // it compiles sites/*.ts when they are read (lib/site-files/load.ts): sites are not in the bundle
  });
  // written as lib/write/atomic.ts does (that module is TypeScript, not loadable before the bundle exists)
  mkdirSync(join(root, '.build'), { recursive: true });
  const temp = `${bundle}.tmp-${process.pid}`;
  const fd = openSync(temp, 'w');
  try {
    writeFileSync(fd, outputFiles[0].contents);
    fsyncSync(fd);
  } finally {
    closeSync(fd);
  }
  try {
    renameSync(temp, bundle);
  } catch (e) {
    rmSync(temp, { force: true });
    throw e;
  }
}
require(bundle).run(process.argv.slice(2), key);
