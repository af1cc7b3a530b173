/**
 * `npm run new-site -- <name> [--release <train>]`: write sites/<name>.yaml, a commented starting point on the newest
 * train (or the one named) that synthesizes as is.
 */
import { existsSync, writeFileSync } from 'node:fs';
import { Option } from 'commander';
import { join } from 'node:path';
import { cliCommand, runCli, UsageError, type CliSpec } from '../lib/cli';
import { isDnsLabel } from '../lib/site/names';
import { discoverSites, sitesDir } from '../lib/site-files/load';
import { NEWEST_TRAIN, newSiteYaml } from '../lib/site-files/template';
import { TRAIN_NAMES } from '../lib/site/trains';

const SPEC: CliSpec = {
  script: 'new-site',
  summary:
    'Write sites/<name>.yaml: a commented starting point (one control plane, Postgres and Ceph workers) that npm run synth renders as is. Edit its addresses, nodes and clusters, then npm run synth.',
  exitCodes: { 1: 'a site of that name exists: nothing was written' },
  failure: { prefix: 'new-site: ', code: 1 },
};

const cmd = cliCommand(SPEC)
  .argument('<name>', 'the site name (a DNS-1123 label): its file and its dist/<name>/ folder')
  .addOption(
    new Option('--release <train>', 'the release train the site starts on').choices(TRAIN_NAMES).default(NEWEST_TRAIN),
  );

runCli<{ release: string }>(SPEC, cmd, ({ release }, [name]) => {
  if (!isDnsLabel(name))
    throw new UsageError(
      `'${name}' is not a site name: use at most 63 lower-case letters, digits and '-', starting and ending with a letter or digit`,
    );
  const existing = discoverSites().find((f) => f.name === name);
  const file = join(sitesDir(), `${name}.yaml`);
  if (existing || existsSync(file))
    throw new Error(`${existing?.file ?? `sites/${name}.yaml`} exists: pick another name`);
  writeFileSync(file, newSiteYaml(name, release));
  console.log(`sites/${name}.yaml written: edit it, then npm run synth -- --site ${name}`);
});
