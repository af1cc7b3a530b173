// dependency-cruiser (`npm run lint`): no import cycle, and the layers of docs/design.md ("Layers"), each rule naming
// the layer it keeps apart. Type-only imports count: a cycle of types is still a cycle to read.
/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      severity: 'error',
      comment:
        'no module reaches itself through its imports: break the cycle by passing data down, not by importing up',
      from: {},
      to: { circular: true },
    },
    {
      name: 'core-is-the-bottom',
      severity: 'error',
      comment: 'lib/core/ is the vocabulary everything shares: it imports nothing else of the project',
      from: { path: '^lib/core/' },
      to: { path: '^(lib/(?!core/)|main[.]ts|sites/|scripts/)' },
    },
    {
      name: 'site-below-components',
      severity: 'error',
      comment:
        'lib/site/ (schema, resolve, rules) sits below rendering, checks and site files: it never imports them (an acknowledgement rule reads lib/core/, not lib/check/)',
      from: { path: '^lib/site/' },
      to: {
        path: '^(lib/(components|constructs|bootstrap|synth|write|check|diff|report|verify|operations|site-files)/|main[.]ts)',
      },
    },
    {
      name: 'reading-a-site-returns-data',
      severity: 'error',
      comment:
        'lib/site-files/load.ts and its helpers read a site file into data; validating and rendering it are the pipeline (lib/site-files/validated.ts and above)',
      from: { path: '^lib/site-files/(load|locate|template)[.]ts$' },
      to: {
        path: '^(lib/(components|constructs|bootstrap|synth|check|diff|report|verify|operations)/|lib/site-files/(validated|peers|index)[.]ts$|main[.]ts)',
      },
    },
    {
      name: 'components-take-sites-as-data',
      severity: 'error',
      comment:
        "components, their charts and the bootstrap renderers get the other sites from the pipeline (RenderContext.peers), never by reading sites/ validated: that is the pipeline's step, above them",
      from: { path: '^lib/(components|constructs|bootstrap|site)/' },
      to: { path: '^lib/site-files/(validated|peers|index)[.]ts$' },
    },
    {
      name: 'checks-read-rendered-trees',
      severity: 'error',
      comment:
        'checks, the diff and the reports read rendered trees (and the site model): they do not render; only the freshness gate (lib/check/fresh-sites.ts) renders in memory to compare with the trees on disk',
      from: { path: '^lib/(check|diff|report)/', pathNot: '^lib/check/fresh-sites[.]ts$' },
      to: { path: '^(lib/synth/render[.]ts|lib/components/build[.]ts|lib/constructs/|main[.]ts|node_modules/cdk8s)' },
    },
    {
      name: 'checks-below-verify',
      severity: 'error',
      comment:
        'the static checks, the diff and the reports are below verify (which runs them against the real components): they never import lib/verify/',
      from: { path: '^lib/(check|diff|report)/' },
      to: { path: '^lib/verify/' },
    },
    {
      name: 'unit-tests-without-example-sites',
      severity: 'error',
      comment:
        'test/unit/ builds its minimal sites (test/unit/support/site.ts): nothing it imports, directly or not, reads an example site of sites/',
      from: { path: '^test/unit/' },
      to: { path: '^(sites/|lib/site-files/(index|peers|validated)[.]ts$)', reachable: true },
    },
  ],
  options: {
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(dist|imports)/' },
  },
};
