import { z } from 'zod';
import { SiteSchema } from './model';

/** Where sites/<name>.yaml point editors (`# yaml-language-server: $schema=../schemas/site.schema.json`). */
export const SITE_SCHEMA_FILE = 'schemas/site.schema.json';

/** The JSON Schema of a site, generated from SiteSchema (draft-07, what YAML editors read best). */
export function siteJsonSchema(): string {
  const schema = z.toJSONSchema(SiteSchema, { target: 'draft-7' });
  return `${JSON.stringify({ ...schema, $id: 'https://pg-platform-gitops/schemas/site.schema.json', title: 'pg-platform-gitops site' }, null, 2)}\n`;
}
