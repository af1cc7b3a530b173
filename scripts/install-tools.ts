/**
 * `npm run tools`: the pinned helm (the trains' `helm`) into .build/tools/, built from the Go module
 * proxy with `go install`, for `npm run import` to render the pinned charts. Nothing else needs it.
 */
import { execFileSync } from 'node:child_process';
import { join } from 'node:path';
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { HELM_BIN, helmVersion, pinnedHelm } from './render-charts';

const HELM = pinnedHelm();

const SPEC: CliSpec = {
  script: 'tools',
  summary: `Build the pinned helm ${HELM} into .build/tools/ with go install (Go on PATH or $GO), for npm run import.`,
  exitCodes: { 1: 'the build failed (no Go, or the module proxy is unreachable)' },
  failure: { prefix: 'tools failed: ', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), () => {
  if (helmVersion() === HELM) {
    console.error(`helm ${HELM} is installed in ${HELM_BIN}`);
    return;
  }
  console.error(`building helm ${HELM} with go install (a few minutes the first time)`);
  // the version helm reports (and charts see as .Capabilities.HelmVersion), which its release build sets the same way
  const ldflags = `-X helm.sh/helm/v3/internal/version.version=${HELM}`;
  execFileSync(
    process.env.GO ?? 'go',
    ['install', '-trimpath', '-ldflags', ldflags, `helm.sh/helm/v3/cmd/helm@${HELM}`],
    {
      stdio: 'inherit',
      env: { ...process.env, GOBIN: join(process.cwd(), '.build', 'tools'), CGO_ENABLED: '0' },
    },
  );
});
