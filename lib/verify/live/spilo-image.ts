import { spawnSync } from 'node:child_process';
import { chmodSync, cpSync, existsSync, mkdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { TOOLS_DIR } from '../components';

/**
 * The Spilo image of a tag, as a layer the kubelet stand-in runs (lib/verify/live/pods.ts): Spilo's own scripts,
 * launch.sh and runit services at the tag, Patroni at the version the tag's Dockerfile installs (PyPI, in a venv),
 * WAL-G at the version it pins (built from its source: lib/verify/components.ts), the image's ENV, its passwd/group
 * (postgres is 101:103 in the image) and en_US.UTF-8. PostgreSQL, pgqd and the extensions are Debian's packages of the
 * host. Built once into `.build/tools/spilo-<tag>/`.
 *
 * The source comes from github.com/zalando/spilo, or from the git repository SPILO_GIT names (an offline copy that
 * holds the tag).
 */
export interface SpiloImage {
  readonly tag: string;
  /** Where the layer is: `layer/` is copied as each pod's upper directory. */
  readonly dir: string;
  /** The final stage's ENV, in order (values may refer to earlier ones). */
  readonly env: Readonly<Record<string, string>>;
  readonly patroni: string;
  readonly walg: string;
  /** Libraries Spilo preloads that this layer cannot provide, and why. */
  readonly missingPreload: Readonly<Record<string, string>>;
  /**
   * `shared_preload_libraries` as Spilo computes it for the major (its template's list through its own
   * `append_extensions`), without the missing ones: what the stand-in gives Spilo in SPILO_CONFIGURATION.
   */
  readonly preload: string;
}

const SPILO_URL = 'https://github.com/zalando/spilo.git';

/**
 * Python packages beside Patroni: Spilo takes them from Ubuntu; pinned here to what Spilo 3.0's Ubuntu 22.04 ran where
 * it matters (urllib3 1.x: Patroni 3.0's Kubernetes client; ydiff 1.2: patronictl 3.0 imports `cdiff`).
 */
const PYTHON_PINS = [
  'urllib3==1.26.20',
  'ydiff==1.2',
  'psycopg2-binary==2.9.10',
  'pystache==0.6.5',
  'requests==2.32.3',
  'PyYAML==6.0.2',
];

/**
 * Preloaded by Spilo, built from GitHub commits its Dockerfile pins: no package registry serves them, so the stand-in
 * runs without them (named in the report).
 */
const NOT_PACKAGED: Readonly<Record<string, string>> = {
  bg_mon: 'built by Spilo from a GitHub commit (BG_MON_COMMIT) that no package registry serves',
  pg_auth_mon: 'built by Spilo from a GitHub commit (PG_AUTH_MON_COMMIT) that no package registry serves',
};

const run = (command: string, args: readonly string[], log: string, cwd?: string): void => {
  const out = spawnSync(command, args, { cwd, encoding: 'utf8' });
  writeFileSync(log, `$ ${command} ${args.join(' ')}\n${out.stdout ?? ''}${out.stderr ?? ''}`, { flag: 'a' });
  if (out.status !== 0)
    throw new Error(`building the Spilo layer: ${command} ${args.slice(0, 3).join(' ')} failed: see ${log}`);
};

/** `ENV A=1 \ B=2` lines of a Dockerfile stage, in order. */
function dockerfileEnv(stage: string): Record<string, string> {
  const env: Record<string, string> = {};
  const joined = stage.replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    const m = /^ENV\s+(.*)$/.exec(line.trim());
    if (!m) continue;
    for (const pair of m[1].matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("[^"]*"|\S*)/g))
      env[pair[1]] = pair[2].replace(/^"|"$/g, '');
  }
  return env;
}

/** `$A` and `${A}` of a value, from what is set already. */
const expand = (value: string, env: Record<string, string>): string =>
  value.replace(/\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?/g, (_, name: string) => env[name] ?? '');

/** The image's environment: the final stage's ENV with ARG defaults and PATH expanded. */
export function imageEnv(dockerfile: string, basePath: string): Record<string, string> {
  const stages = dockerfile.split(/^FROM /m);
  const last = stages[stages.length - 1];
  const args: Record<string, string> = {};
  for (const m of dockerfile.matchAll(/^ARG ([A-Z_]+)=(.*)$/gm)) args[m[1]] ??= m[2].replace(/^"|"$/g, '');
  const env: Record<string, string> = { ...args, PATH: basePath };
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(dockerfileEnv(last))) {
    env[name] = expand(value, env);
    out[name] = env[name];
  }
  return out;
}

/** Pins of the build stages (`ENV WALG_VERSION=v2.0.1`, `ENV PATRONIVERSION=3.0.1`). */
function pinOf(dockerfile: string, name: string): string {
  const value = dockerfileEnv(dockerfile)[name];
  if (!value) throw new Error(`Spilo's Dockerfile sets no ${name}: is it postgres-appliance/Dockerfile?`);
  return value;
}

const sourceDir = (tag: string): string => join(TOOLS_DIR, 'src', `spilo-${tag}`);

/** Spilo's source at a tag (a shallow clone, once). */
function spiloSource(tag: string): string {
  const dir = sourceDir(tag);
  if (existsSync(join(dir, 'postgres-appliance', 'Dockerfile'))) return dir;
  const url = process.env.SPILO_GIT ?? SPILO_URL;
  mkdirSync(join(TOOLS_DIR, 'src'), { recursive: true });
  const out = spawnSync('git', ['clone', '--quiet', '--depth', '1', '--branch', tag, url, dir], { encoding: 'utf8' });
  if (out.status !== 0)
    throw new Error(
      `git clone of ${url} at ${tag} failed (set SPILO_GIT to a reachable copy of the repository): ${out.stderr.trim()}`,
    );
  return dir;
}

/** The WAL-G version a Spilo tag builds (from its Dockerfile). */
export const spiloWalg = (tag: string): string =>
  pinOf(readFileSync(join(spiloSource(tag), 'postgres-appliance', 'Dockerfile'), 'utf8'), 'WALG_VERSION');

const spiloDir = (tag: string): string => join(TOOLS_DIR, `spilo-${tag}`);
const DONE = 'image.json';

/** The built layer of a tag, or undefined. */
export function builtSpilo(tag: string): SpiloImage | undefined {
  const file = join(spiloDir(tag), DONE);
  if (!existsSync(file)) return undefined;
  const image = JSON.parse(readFileSync(file, 'utf8')) as SpiloImage;
  // its venv's path is absolute: a layer built under another folder (a moved checkout) is built again
  return existsSync(join(image.env.PATH.split(':')[0], 'patroni')) ? image : undefined;
}

const POSTGRES_UID = 101;
const POSTGRES_GID = 103;

/** passwd and group as Spilo's image has them: postgres 101:103, home /home/postgres, in group root (post_build.sh). */
function accounts(layer: string): void {
  const passwd = readFileSync('/etc/passwd', 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('postgres:'));
  passwd.push(`postgres:x:${POSTGRES_UID}:${POSTGRES_GID}::/home/postgres:/bin/bash`);
  const group = readFileSync('/etc/group', 'utf8')
    .split('\n')
    .filter((l) => l && !l.startsWith('postgres:'))
    .map((l) => {
      const [name, x, gid, members] = l.split(':');
      if (gid === String(POSTGRES_GID)) return `${name}:${x}:${60000 + POSTGRES_GID}:${members}`;
      if (name === 'root') return `root:${x}:0:${members ? `${members},` : ''}postgres`;
      return l;
    });
  group.push(`postgres:x:${POSTGRES_GID}:`);
  mkdirSync(join(layer, 'etc'), { recursive: true });
  writeFileSync(join(layer, 'etc', 'passwd'), passwd.join('\n') + '\n');
  writeFileSync(join(layer, 'etc', 'group'), group.join('\n') + '\n');
  chmodSync(join(layer, 'etc', 'passwd'), 0o664);
}

/** Spilo's preload list for a major, by its own code, without what NOT_PACKAGED names. */
function preloadOf(appliance: string, venv: string, major: string): string {
  const configure = readFileSync(join(appliance, 'scripts', 'configure_spilo.py'), 'utf8');
  const template = /shared_preload_libraries: '([^']+)'/.exec(configure)?.[1];
  if (!template) throw new Error("Spilo's configure_spilo.py has no shared_preload_libraries template");
  const kept = template
    .split(',')
    .filter((l) => !(l in NOT_PACKAGED))
    .join(',');
  const out = spawnSync(
    join(venv, 'bin', 'python3'),
    [
      '-c',
      `import sys; from spilo_commons import append_extensions; print(append_extensions(sys.argv[1], float(sys.argv[2])))`,
      kept,
      major,
    ],
    { cwd: join(appliance, 'scripts'), encoding: 'utf8' },
  );
  if (out.status !== 0) throw new Error(`Spilo's append_extensions failed: ${out.stderr}`);
  return out.stdout.trim();
}

/**
 * Build the layer of a Spilo tag for PostgreSQL `major`, with the WAL-G binary given. Progress and commands go to
 * `log`.
 */
export function buildSpilo(tag: string, major: string, walgBinary: string, log: string): SpiloImage {
  const source = spiloSource(tag);
  const appliance = join(source, 'postgres-appliance');
  const dockerfile = readFileSync(join(appliance, 'Dockerfile'), 'utf8');
  const patroni = pinOf(dockerfile, 'PATRONIVERSION');
  const walg = pinOf(dockerfile, 'WALG_VERSION');
  const dir = spiloDir(tag);
  rmSync(dir, { recursive: true, force: true });
  const layer = join(dir, 'layer');
  mkdirSync(layer, { recursive: true });
  writeFileSync(log, `Spilo ${tag}: Patroni ${patroni}, WAL-G ${walg}, PostgreSQL ${major}\n`);

  // Patroni and the Python of Spilo's scripts, in a venv whose path is the same inside the pods (their root is the
  // host's, overlaid)
  const venv = join(dir, 'venv');
  run('python3', ['-m', 'venv', venv], log);
  run(
    join(venv, 'bin', 'pip'),
    ['install', '--quiet', '--no-cache-dir', `patroni[kubernetes]==${patroni}`, ...PYTHON_PINS],
    log,
  );

  // scripts, launch.sh and runit services as the Dockerfile copies them
  for (const from of ['scripts', 'bootstrap', 'major_upgrade'])
    cpSync(join(appliance, from), join(layer, 'scripts'), { recursive: true });
  cpSync(join(appliance, 'launch.sh'), join(layer, 'launch.sh'));
  const services = join(layer, 'etc', 'runit', 'runsvdir', 'default');
  cpSync(join(appliance, 'runit'), services, { recursive: true });
  mkdirSync(join(layer, 'home', 'postgres', 'pgdata'), { recursive: true });
  cpSync(join(appliance, 'pgq_ticker.ini'), join(layer, 'home', 'postgres', 'pgq_ticker.ini'));
  cpSync(join(appliance, 'motd'), join(layer, 'etc', 'motd'));
  for (const d of ['run', 'tmp', 'var/spool', 'usr/local/bin', 'usr/local/lib', 'usr/lib/locale', 'root'])
    mkdirSync(join(layer, d), { recursive: true });
  chmodSync(join(layer, 'tmp'), 0o1777);
  // post_build.sh's links into the read-write /run
  symlinkSync('/run/cron', join(layer, 'var', 'spool', 'cron'));
  symlinkSync('/run/service', join(layer, 'etc', 'service'));
  mkdirSync(join(layer, 'etc', 'pam.d'), { recursive: true });
  symlinkSync('/run/pam.d-postgresql', join(layer, 'etc', 'pam.d', 'postgresql'));
  symlinkSync('/run/postgres.yml', join(layer, 'home', 'postgres', 'postgres.yml'));
  symlinkSync('/run/etc', join(layer, 'home', 'postgres', 'etc'));
  for (const home of ['home/postgres', 'root']) {
    mkdirSync(join(layer, home, '.config', 'patroni'), { recursive: true });
    symlinkSync('/home/postgres/postgres.yml', join(layer, home, '.config', 'patroni', 'patronictl.yaml'));
  }
  for (const service of ['cron', 'etcd', 'patroni', 'pgbouncer', 'pgqd'])
    if (existsSync(join(services, service)))
      symlinkSync(`/run/supervise/${service}`, join(services, service, 'supervise'));
  // WAL-G of the tag; cron as an unprivileged user (Spilo's LD_PRELOAD shim)
  symlinkSync(walgBinary, join(layer, 'usr', 'local', 'bin', 'wal-g'));
  run(
    'gcc',
    [
      '-s',
      '-shared',
      '-fPIC',
      '-o',
      join(layer, 'usr/local/lib/cron_unprivileged.so'),
      join(appliance, 'cron_unprivileged.c'),
    ],
    log,
  );
  // envdir: prepare.sh links runit's chpst as envdir
  if (!existsSync('/usr/bin/envdir')) {
    mkdirSync(join(layer, 'usr', 'bin'), { recursive: true });
    symlinkSync('chpst', join(layer, 'usr', 'bin', 'envdir'));
  }
  // en_US.UTF-8 into the image's locale archive (prepare.sh: locale-archive.22, /usr/lib/locale/locale-archive -> /run)
  const locales = join(dir, 'locales');
  mkdirSync(join(locales, 'usr', 'lib', 'locale'), { recursive: true });
  run(
    'localedef',
    ['--prefix', locales, '-i', 'en_US', '-c', '-f', 'UTF-8', '-A', '/usr/share/locale/locale.alias', 'en_US.UTF-8'],
    log,
  );
  cpSync(
    join(locales, 'usr', 'lib', 'locale', 'locale-archive'),
    join(layer, 'usr', 'lib', 'locale', 'locale-archive.22'),
  );
  cpSync(
    join(locales, 'usr', 'lib', 'locale', 'locale-archive'),
    join(layer, 'usr', 'lib', 'locale', 'locale-archive.18'),
  );
  symlinkSync('/run/locale-archive', join(layer, 'usr', 'lib', 'locale', 'locale-archive'));
  accounts(layer);
  // post_build.sh: PGHOME and RW_DIR belong to postgres, group root with the owner's rights
  run('chown', ['-R', `${POSTGRES_UID}:0`, join(layer, 'home', 'postgres'), join(layer, 'run')], log);
  run('chmod', ['-R', 'g=u', join(layer, 'home', 'postgres'), join(layer, 'run')], log);

  const env = imageEnv(dockerfile, `${join(venv, 'bin')}:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin`);
  // the image is built for one major: PATH names its bin folder
  env.PATH = env.PATH.replace(/postgresql\/[^/]+\/bin/, `postgresql/${major}/bin`);
  env.PGVERSION = major;
  const image: SpiloImage = {
    tag,
    dir,
    env,
    patroni,
    walg,
    missingPreload: NOT_PACKAGED,
    preload: preloadOf(appliance, venv, major),
  };
  writeFileSync(join(dir, DONE), JSON.stringify(image, null, 2) + '\n');
  return image;
}
