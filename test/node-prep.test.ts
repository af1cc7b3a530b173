import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, test } from 'vitest';
import { MODULES_FILE, SYSCTL_FILE } from '../lib/bootstrap/node-prep';
import { SITES } from '../lib/site-files';
import { poc } from '../sites/poc';
import { stepScript, userData, writtenFile } from './support/bootstrap';

const nodes = SITES.flatMap((site) => site.nodes.map((n) => [`${site.name}/${n.name}`, site, n] as const));

describe.each(nodes)('%s', (_id, site, node) => {
  const ud = userData(site, node.name);
  const script = stepScript(ud, '10-prepare-node');
  const storage = node.roles.includes('storage');

  test("sets the bridge and forwarding sysctls at boot, with the correct keys (not the runbook's inet.bridge…)", () => {
    expect(writtenFile(ud, SYSCTL_FILE)).toBe(
      'net.bridge.bridge-nf-call-iptables = 1\nnet.bridge.bridge-nf-call-ip6tables = 1\nnet.ipv4.ip_forward = 1\n',
    );
    expect(script).toMatch(/^sysctl --system$/m);
  });

  test(`loads overlay and br_netfilter${storage ? ' and rbd (Ceph CSI)' : ''} now and at boot`, () => {
    const modules = ['overlay', 'br_netfilter', ...(storage ? ['rbd'] : [])];
    expect(writtenFile(ud, MODULES_FILE)).toBe(`${modules.join('\n')}\n`);
    expect(script).toMatch(new RegExp(`^modprobe -a ${modules.join(' ')}$`, 'm'));
  });

  test('turns swap off now and keeps it off at boot (fstab, swap.target masked)', () => {
    expect(script).toMatch(/^swapoff -a$/m);
    expect(script).toMatch(/^sed -Ei\.bak '.*' \/etc\/fstab$/m);
    expect(script).toMatch(/^systemctl mask swap\.target$/m);
  });
});

test("the script's fstab edit comments out every swap line and nothing else", () => {
  const sed = stepScript(userData(poc, 'dnumworker1'), '10-prepare-node')
    .split('\n')
    .find((l) => l.startsWith('sed '))!;
  const dir = mkdtempSync(join(tmpdir(), 'fstab-'));
  try {
    const fstab = join(dir, 'fstab');
    // the runbook's fstab (one swap line), plus an indented one and a commented one
    writeFileSync(
      fstab,
      [
        '/dev/mapper/dnumworker1--vg-root / ext4 errors=remount-ro 0 1',
        'UUID=ddd6fd9d-6ac3-4510-9156-22984bc82b67 /boot ext2 defaults 0 2',
        '/dev/mapper/dnumworker1--vg-swap_1 none swap sw 0 0',
        '  /dev/vdc none swap',
        '#/dev/vdd none swap sw 0 0',
        '/dev/sr0 /media/cdrom0 udf,iso9660 user,noauto 0 0',
        '',
      ].join('\n'),
    );
    const run = spawnSync('bash', ['-c', sed.replace('/etc/fstab', fstab)], { encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(readFileSync(fstab, 'utf8').split('\n')).toEqual([
      '/dev/mapper/dnumworker1--vg-root / ext4 errors=remount-ro 0 1',
      'UUID=ddd6fd9d-6ac3-4510-9156-22984bc82b67 /boot ext2 defaults 0 2',
      '# /dev/mapper/dnumworker1--vg-swap_1 none swap sw 0 0',
      '#   /dev/vdc none swap',
      '#/dev/vdd none swap sw 0 0',
      '/dev/sr0 /media/cdrom0 udf,iso9660 user,noauto 0 0',
      '',
    ]);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
});
