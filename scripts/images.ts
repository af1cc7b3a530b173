/**
 * `npm run images -- --site <name> [--format list|table|skopeo]`: every image (with its tag) a
 * site needs, for pre-pulling or filling an air-gapped mirror. `skopeo` prints the copy commands
 * into the site's `mirrors.registry`.
 */
import { parseArgs } from 'node:util';
import { siteImages } from '../lib/image-list';
import { mirrorImage } from '../lib/site/mirrors';
import { selectSites } from '../main';

function main(): void {
  const { values } = parseArgs({ options: { site: { type: 'string' }, format: { type: 'string', default: 'list' } } });
  if (!values.site) throw new Error('which site? use --site <name>');
  const [site] = selectSites([values.site]);
  const images = siteImages(site);
  switch (values.format) {
    case 'list':
      images.forEach((i) => console.log(i.image));
      break;
    case 'table':
      images.forEach((i) => console.log(`${i.image.padEnd(72)} ${i.usedBy.join(', ')}`));
      break;
    case 'skopeo': {
      const { mirrors } = site;
      if (!mirrors) throw new Error(`site '${site.name}' has no mirrors: set mirrors.registry in lib/sites/${site.name}.ts to copy images into it`);
      images.forEach((i) => console.log(`skopeo copy --all docker://${i.image} docker://${mirrorImage(mirrors, i.image)}`));
      break;
    }
    default:
      throw new Error(`unknown --format '${values.format}': use list, table or skopeo`);
  }
}

try {
  main();
} catch (e) {
  console.error(`images: ${e instanceof Error ? e.message : String(e)}`);
  process.exit(2);
}
