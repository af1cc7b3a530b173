import { describe, expect, test } from 'vitest';
import { CONTROL_PLANE_TAINT } from '../lib/site/roles';
import { eligible, explainRejections, schedulingNodes, selects, tolerates } from '../lib/check/scheduling';
import type { Taint } from '../lib/core/taints';
import { poc } from '../sites/poc';
import { requiredNodeAffinity, roleToleration } from '../lib/site/roles';
import { withSite } from './support/render';

const nodes = schedulingNodes(poc);
const node = (name: string) => nodes.find((n) => n.name === name)!;
const term = (...matchExpressions: unknown[]) => ({
  requiredDuringSchedulingIgnoredDuringExecution: { nodeSelectorTerms: [{ matchExpressions }] },
});

describe('schedulingNodes: the model as the scheduler sees it', () => {
  test('role labels from roles.ts, plus the kubelet hostname and os labels', () => {
    expect(node('dnumcephworker1').labels).toEqual({
      'kubernetes.io/hostname': 'dnumcephworker1',
      'kubernetes.io/os': 'linux',
      role: 'storage-node',
    });
    expect(node('dnumworker1').labels['postgres-operator']).toBe('enabled');
    expect(node('dnumminioworker1').labels.role).toBe('s3-node');
  });
  test("storage nodes carry their role taint, a dedicated control plane keeps kubeadm's", () => {
    expect(node('dnumcephworker1').taints).toEqual([{ key: 'storage-node', effect: 'NoSchedule' }]);
    expect(node('debian-cp').taints).toEqual([CONTROL_PLANE_TAINT]);
    expect(node('debian-cp').labels['node-role.kubernetes.io/control-plane']).toBe('');
    expect(node('dnumworker1').taints).toEqual([]);
  });
  test('a control plane with a workload role is not tainted (as host-bootstrap joins it)', () => {
    const site = withSite(poc, (d) => {
      d.nodes[0].roles = ['control-plane', 'postgres'];
    });
    expect(schedulingNodes(site)[0].taints).toEqual([]);
  });
  test('size in cores and bytes', () => {
    expect(node('dnumworker1')).toMatchObject({ cpu: 2, memory: 2 * 2 ** 30 });
  });
});

describe('selectors', () => {
  test('the role affinity of roles.ts selects exactly that role', () => {
    expect(
      nodes.filter((n) => selects(n, { nodeAffinity: requiredNodeAffinity('postgres') })).map((n) => n.name),
    ).toEqual(['dnumworker1', 'dnumworker2']);
  });
  test.each([
    ['In', { key: 'role', operator: 'In', values: ['storage-node', 's3-node'] }, 7],
    ['NotIn', { key: 'role', operator: 'NotIn', values: ['storage-node'] }, 7],
    ['Exists', { key: 'role', operator: 'Exists' }, 7],
    ['DoesNotExist', { key: 'role', operator: 'DoesNotExist' }, 3],
    ['Gt (no numeric label)', { key: 'role', operator: 'Gt', values: ['1'] }, 0],
  ])('matchExpressions operator %s', (_op, expr, count) => {
    expect(nodes.filter((n) => selects(n, { nodeAffinity: term(expr) }))).toHaveLength(count);
  });
  test('terms are ORed, expressions in a term ANDed', () => {
    const affinity = {
      requiredDuringSchedulingIgnoredDuringExecution: {
        nodeSelectorTerms: [
          {
            matchExpressions: [
              { key: 'role', operator: 'In', values: ['s3-node'] },
              { key: 'kubernetes.io/hostname', operator: 'In', values: ['dnumminioworker1'] },
            ],
          },
          { matchFields: [{ key: 'metadata.name', operator: 'In', values: ['debian-cp'] }] },
        ],
      },
    };
    expect(nodes.filter((n) => selects(n, { nodeAffinity: affinity })).map((n) => n.name)).toEqual([
      'debian-cp',
      'dnumminioworker1',
    ]);
  });
  test('nodeSelector needs every label', () => {
    expect(
      nodes.filter((n) => selects(n, { nodeSelector: { role: 's3-node', 'kubernetes.io/os': 'linux' } })),
    ).toHaveLength(4);
    expect(nodes.filter((n) => selects(n, { nodeSelector: { role: 's3-node', disk: 'ssd' } }))).toHaveLength(0);
  });
});

describe('tolerations', () => {
  const taint: Taint = { key: 'storage-node', effect: 'NoSchedule' };
  test.each([
    ['the role toleration', roleToleration('storage'), true],
    ['Equal with the empty value', { key: 'storage-node', operator: 'Equal', value: '', effect: 'NoSchedule' }, true],
    ['Equal with another value', { key: 'storage-node', operator: 'Equal', value: 'x' }, false],
    ['another effect', { key: 'storage-node', operator: 'Exists', effect: 'NoExecute' }, false],
    ['any effect', { key: 'storage-node', operator: 'Exists' }, true],
    ['everything (empty key, Exists)', { operator: 'Exists' }, true],
    ['another key', { key: 'other', operator: 'Exists' }, false],
  ])('%s', (_name, toleration, expected) => {
    expect(tolerates([toleration], taint)).toBe(expected);
  });
  test('a selected but tainted node is not eligible, and the reason names the taint', () => {
    const placement = { nodeAffinity: requiredNodeAffinity('storage') };
    expect(nodes.filter((n) => eligible(n, placement))).toEqual([]);
    expect(explainRejections(nodes, placement)).toBe(
      '3 of 10 nodes match its node selector/affinity; dnumcephworker1, dnumcephworker2, dnumcephworker3 have the untolerated taint storage-node:NoSchedule',
    );
    expect(nodes.filter((n) => eligible(n, { ...placement, tolerations: [roleToleration('storage')] }))).toHaveLength(
      3,
    );
  });
});
