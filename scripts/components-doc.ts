/** `npm run docs:components`: regenerate docs/components.md from the component registry. */
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { componentsDoc } from '../lib/components/doc';
import { PROJECT_ROOT } from '../lib/upstream';
import { writeFileAtomic } from '../lib/write/atomic';

const SPEC: CliSpec = {
  script: 'docs:components',
  summary: 'Regenerate docs/components.md: every component of the registry, its Applications and waves.',
  exitCodes: { 1: 'docs/components.md could not be written' },
  failure: { prefix: 'docs:components failed: ', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), () => {
  writeFileAtomic(`${PROJECT_ROOT}/docs/components.md`, componentsDoc());
  console.log('docs/components.md written');
});
