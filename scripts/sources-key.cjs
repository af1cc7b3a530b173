'use strict';
// The key of the sources synth's bundle is built from: scripts/synth.cjs rebuilds the bundle when it changes, and
// lib/check/fresh-sites.ts reads synth's stamps with it (a site whose inputs did not change need not be rendered).
const { readdirSync, statSync } = require('node:fs');
const { createHash } = require('node:crypto');
const { join } = require('node:path');

/**
 * Path, size and mtime of every TypeScript source the bundle is built from (and of the lock file, for its packages):
 * any change, newer or older, rebuilds.
 */
function sourcesKey(root) {
  const hash = createHash('sha256');
  const add = (path) => {
    const s = statSync(path, { throwIfNoEntry: false });
    hash.update(`${path}\0${s?.size}\0${s?.mtimeMs}\n`);
  };
  add(join(root, 'main.ts'));
  add(join(root, 'package-lock.json'));
  for (const dir of ['lib', 'imports']) {
    const files = readdirSync(join(root, dir), { recursive: true, withFileTypes: true })
      .filter((e) => e.isFile() && e.name.endsWith('.ts'))
      .map((e) => join(e.parentPath ?? e.path, e.name));
    for (const file of files.sort()) add(file);
  }
  return hash.digest('hex');
}

module.exports = { sourcesKey };
