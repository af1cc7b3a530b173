import type { Site } from './model';

/**
 * PostgreSQL's end of life per major (the final minor release, five years after the first), as
 * the PostgreSQL Global Development Group states it: https://www.postgresql.org/support/versioning/
 * (checked on `CHECKED`). A major past its end of life gets no more fixes, security ones included.
 * The guard compares with `CHECKED`, not with today: the same site renders the same output on every day; a new
 * check of the table moves the date.
 */
export const POSTGRES_END_OF_LIFE = {
  checked: '2026-12-07',
  source: 'https://www.postgresql.org/support/versioning/',
  majors: {
    '13': '2025-11-13',
    '14': '2026-11-12',
    '15': '2027-11-11',
    '16': '2028-11-09',
    '17': '2029-11-08',
    '18': '2030-11-14',
  } as Readonly<Record<string, string>>,
};

/** One warning per cluster of the site on a PostgreSQL major past its end of life. */
export function endOfLifeWarnings(site: Site): string[] {
  const { checked, source, majors } = POSTGRES_END_OF_LIFE;
  return site.postgres.clusters.flatMap((c, i) => {
    const eol = majors[c.version];
    return eol !== undefined && eol <= checked
      ? [
          `postgres.clusters[${i}] (${c.name}) runs PostgreSQL ${c.version}, past its end of life on ${eol} (${source}): no more fixes, security ones included; upgrade it to a supported major (docs/operations.md: major upgrade)`,
        ]
      : [];
  });
}
