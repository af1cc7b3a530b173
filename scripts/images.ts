/**
 * `npm run images -- --site <name> [--format list|table|skopeo]`: every image (with its tag) a
 * site needs, for pre-pulling or filling an air-gapped mirror. `skopeo` prints the copy commands
 * into the site's `mirrors.registry`.
 */
import { Option } from 'commander';
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { siteImages } from '../lib/synth/site-images';
import { mirrorImage } from '../lib/site/mirrors';
import { siteSource } from '../lib/site-files/load';
import { selectSites } from '../main';

const SPEC: CliSpec = {
  script: 'images',
  summary: 'Print every image (with its tag) a site pulls, for pre-pulling or filling an air-gapped mirror.',
  exitCodes: { 1: 'the site is unknown or invalid, or skopeo was asked for a site without mirrors' },
  failure: { prefix: 'images: ', code: 1 },
};

const cmd = cliCommand(SPEC)
  .requiredOption('-s, --site <name>', 'the site (a file of sites/)')
  .addOption(
    new Option(
      '-f, --format <format>',
      'list: one image a line; table: with what uses it; skopeo: copy commands into mirrors.registry',
    )
      .choices(['list', 'table', 'skopeo'])
      .default('list'),
  );

runCli<{ site: string; format: 'list' | 'table' | 'skopeo' }>(SPEC, cmd, ({ site: name, format }) => {
  const [site] = selectSites([name]);
  const images = siteImages(site);
  if (format === 'list') images.forEach((i) => console.log(i.image));
  else if (format === 'table') images.forEach((i) => console.log(`${i.image.padEnd(72)} ${i.usedBy.join(', ')}`));
  else {
    const { mirrors } = site;
    if (!mirrors)
      throw new Error(
        `site '${site.name}' has no mirrors: set mirrors.registry in ${siteSource(site.name)} to copy images into it`,
      );
    images.forEach((i) =>
      console.log(`skopeo copy --all docker://${i.image} docker://${mirrorImage(mirrors, i.image)}`),
    );
  }
});
