/**
 * What a verify run established for one cross-site standby (docs/verify.md, "Cross-site standbys"): null when the run
 * did not establish it (the reason is in the site's notVerified).
 */
export interface StandbyFacts {
  /** `<namespace>/<name>` of the standby cluster. */
  readonly cluster: string;
  /** The site of its primary. */
  readonly primarySite: string;
  /** A row written on the primary (its WAL segment archived) was read on the standby, replayed from the primary's S3 store. */
  readonly replayed: boolean | null;
  /** After the promotion docs/operations.md describes, the standby left recovery and a write succeeded there. */
  readonly promoted: boolean | null;
  /** What fell short, one line each. */
  readonly problems: readonly string[];
}

/** The report's line of one standby. */
export function standbyLine(f: StandbyFacts): string {
  const replayed = {
    true: "replayed the primary's WAL from its S3 store (a row written there read here)",
    false: "did NOT replay the primary's WAL",
    null: 'replay not checked',
  }[String(f.replayed)];
  const promoted = {
    true: 'promoted as docs/operations.md says, then written to',
    false: 'NOT promoted',
    null: 'promotion not checked',
  }[String(f.promoted)];
  return `  standby ${f.cluster} of site ${f.primarySite}: ${replayed}; ${promoted}`;
}
