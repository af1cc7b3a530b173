import { spawnSync } from 'node:child_process';

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
