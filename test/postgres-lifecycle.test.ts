import { describe, expect, test } from 'vitest';
import { SITES } from '../lib/site-files';
import { compatibilityWarnings } from '../lib/site/compatibility';
import { endOfLifeWarnings, POSTGRES_END_OF_LIFE } from '../lib/site/postgres-lifecycle';

const poc = SITES.find((s) => s.name === 'poc')!;
const withMajor = (version: string) => ({
  ...poc,
  postgres: { ...poc.postgres, clusters: poc.postgres.clusters.map((c) => ({ ...c, version })) },
});

describe('compatibility: PostgreSQL majors past their end of life', () => {
  test("a cluster on a major past its end of life (as of the table's check) warns, naming the cluster, the date and the fix", () => {
    const warnings = compatibilityWarnings(withMajor('14'));
    expect(warnings).toContainEqual(
      expect.stringMatching(
        /^postgres\.clusters\[0\] \(acid-test-cluster\) runs PostgreSQL 14, past its end of life on 2026-11-12 \(https:\/\/www\.postgresql\.org\/support\/versioning\/\).*upgrade it to a supported major/,
      ),
    );
  });
  test('a major still supported on the check date does not warn (PostgreSQL 15 ends on 2027-11-11)', () => {
    expect(endOfLifeWarnings(withMajor('15'))).toEqual([]);
    expect(POSTGRES_END_OF_LIFE.majors['15'] > POSTGRES_END_OF_LIFE.checked).toBe(true);
  });
  test('no example site runs a major past its end of life', () => {
    expect(SITES.flatMap(endOfLifeWarnings)).toEqual([]);
  });
});
