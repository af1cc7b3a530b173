/** One problem in a site description: where it is and how to fix it. */
export interface SiteIssue {
  /** Field path from the site root, e.g. `nodes[2].memory`. */
  readonly path: string;
  readonly message: string;
  /** `file:line:col` of the field in a YAML site (lib/site-files/locate.ts). */
  readonly at?: string;
}

/** Thrown by main when a site is invalid; carries every issue, not just the first. */
export class SiteValidationError extends Error {
  constructor(
    readonly site: string,
    readonly issues: readonly SiteIssue[],
    file?: string,
  ) {
    super(
      `site '${site}'${file ? ` (${file})` : ''} is invalid (${issues.length} ${issues.length === 1 ? 'problem' : 'problems'}):\n` +
        issues.map((i) => `  ${i.at ? `${i.at}: ` : ''}${site}${i.path ? `.${i.path}` : ''}: ${i.message}`).join('\n'),
    );
  }
}
