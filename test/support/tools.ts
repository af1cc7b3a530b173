import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

/**
 * An external checker the tests run when it is installed. Under CI=true a missing one is a
 * failure, not a skip: CI must install it (the Debian package is named in the message).
 */
export interface Tool {
  /** Whether tests using it should run (installed, or CI where its absence must fail). */
  readonly run: boolean;
  /** Throws when the tool is missing: call first in each test using it. */
  require(): void;
}

export function tool(command: string, debianPackage: string): Tool {
  const installed = spawnSync('sh', ['-c', `command -v ${command}`]).status === 0;
  return {
    run: installed || process.env.CI === 'true',
    require: () => {
      if (!installed) throw new Error(`${command} is not installed: CI must run 'apt-get install ${debianPackage}'`);
    },
  };
}

/**
 * Binaries `npm run verify -- --build` makes (.build/tools/): the tests using them run when all are
 * built, and under CI=true, where a missing one must fail them; elsewhere they are skipped, loudly.
 */
export function builtBinaries(
  label: string,
  paths: readonly string[],
): { readonly live: boolean; readonly missing: readonly string[] } {
  const missing = [...new Set(paths.filter((p) => !existsSync(p)))];
  const live = missing.length === 0 || process.env.CI === 'true';
  if (!live) console.warn(`${label} SKIPPED: ${missing.join(', ')} not built (npm run verify -- --build)`);
  return { live, missing };
}
