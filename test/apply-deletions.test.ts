import { describe, expect, test } from 'vitest';
import { withDeletions } from '../lib/verify/apply';

describe("verify's client-side apply deletes what the last apply set and this one drops, as kubectl's three-way merge", () => {
  test('a removed section becomes null, nested ones too; kept and new fields pass; arrays are replaced whole', () => {
    const last = {
      spec: { standby: { s3_wal_path: 's3://b/p' }, numberOfInstances: 1, env: [{ name: 'A' }] },
      kind: 'x',
    };
    const next = { spec: { numberOfInstances: 2, env: [{ name: 'B' }], users: {} }, kind: 'x' };
    expect(withDeletions(last, next)).toEqual({
      spec: { standby: null, numberOfInstances: 2, env: [{ name: 'B' }], users: {} },
      kind: 'x',
    });
  });
});
