import { describe, expect, test } from 'vitest';
import { checkCapacity } from '../lib/check/capacity';
import { storageCapacityIssues } from '../lib/site/storage-capacity';
import { poc } from '../sites/poc';
import { withSite } from './support/render';
import { siteTree } from './support/trees';

/** poc's storage nodes with 4Ti disks (12Ti raw) and its cluster on `size` volumes. */
const sized = (size: string, instances = 3) =>
  withSite(poc, (s) => {
    for (const n of s.nodes) if (n.roles.includes('storage')) n.disks = [{ device: '/dev/vdb', size: '4Ti' }];
    s.postgres.clusters[0].volume.size = size;
    s.postgres.clusters[0].numberOfInstances = instances;
  });

describe('capacity of what is stored', () => {
  test('fails when 3 x 50Ti volumes would need 450Ti of 12Ti raw', () => {
    expect(storageCapacityIssues(sized('50Ti')).map((i) => `${i.path}: ${i.message}`)).toEqual([
      "postgres.clusters: the volumes on rook-ceph-block need 153610Gi × 3 copies = 460830Gi of 12288Gi raw (3750 %): Ceph stops writes at 95 % full; lower volume sizes or pool size, add disks to the storage nodes, or promise more than there is knowingly with acknowledge: [{ change: 'thin provisioning on rook-ceph-block', reason: '<why>' }]",
    ]);
  });
  test('passes when the site acknowledges thin provisioning', () => {
    const site = {
      ...sized('50Ti'),
      acknowledge: [{ change: 'thin provisioning on rook-ceph-block', reason: 'grows into it' }],
    };
    expect(storageCapacityIssues(site)).toEqual([]);
  });
  test('fails on a thin provisioning acknowledgement that no longer applies', () => {
    const site = { ...sized('100Gi'), acknowledge: [{ change: 'thin provisioning on rook-ceph-block', reason: 'r' }] };
    expect(storageCapacityIssues(site).map((i) => `${i.path}: ${i.message}`)).toEqual([
      "acknowledge[0].change: 'thin provisioning on rook-ceph-block' no longer applies (the volumes on rook-ceph-block need 310Gi × 3 copies = 930Gi of 12288Gi raw (8 %)): remove this entry",
    ]);
  });
  test("warns from Ceph's nearfull ratio, and not below it", () => {
    const near = sized('1200Gi');
    expect(checkCapacity(siteTree(near)).filter((f) => f.where.endsWith('storage rook-ceph-block'))).toEqual([
      {
        check: 'capacity',
        severity: 'warning',
        where: 'poc/storage rook-ceph-block',
        message:
          "the volumes need 3610Gi × 3 copies = 10830Gi of 12288Gi raw (88 %), past Ceph's nearfull ratio (85 %, HEALTH_WARN): add disks to the storage nodes before they fill",
      },
    ]);
    expect(checkCapacity(siteTree(sized('100Gi'))).filter((f) => f.where.includes('storage'))).toEqual([]);
  });
});
