/** `npm run schema`: write schemas/site.schema.json from the site schema (lib/site/model.ts); a test keeps it fresh. */
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { cliCommand, runCli, type CliSpec } from '../lib/cli';
import { SITE_SCHEMA_FILE, siteJsonSchema } from '../lib/site/json-schema';
import { PROJECT_ROOT } from '../lib/upstream';

const SPEC: CliSpec = {
  script: 'schema',
  summary: `Write ${SITE_SCHEMA_FILE}, the JSON Schema of a site generated from lib/site/model.ts (editors read it through the $schema line of sites/<name>.yaml).`,
  exitCodes: { 1: 'the file could not be written' },
  failure: { prefix: 'schema: ', code: 1 },
};

runCli(SPEC, cliCommand(SPEC), () => {
  writeFileSync(join(PROJECT_ROOT, SITE_SCHEMA_FILE), siteJsonSchema());
  console.log(`${SITE_SCHEMA_FILE} written`);
});
