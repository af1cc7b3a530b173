import { COMPONENTS } from './index';

const cell = (text: string): string => text.replaceAll('|', '\\|');

/** docs/components.md: the registry as a table (`npm run docs:components`; a test keeps it fresh). */
export function componentsDoc(): string {
  const rows = COMPONENTS.map((c) => {
    const apps = Object.entries(c.waves).map(([app, wave]) => `\`${app}\` ${wave}`);
    return `| \`${c.name}\` | ${cell(c.summary)} | ${apps.length ? apps.join(', ') : 'none'} | ${cell(c.enabledWhen)} |`;
  });
  return [
    '# Components',
    '',
    '<!-- Generated from the component registry (lib/components/index.ts) by `npm run docs:components`; do not edit. -->',
    '',
    'Every platform component, in registry order (the order its charts render; ArgoCD syncs by wave). Each',
    'Application is one `dist/<site>/<app>/` folder, synced at its wave (lower first). How to add one:',
    '[adding-a-component.md](adding-a-component.md).',
    '',
    '| component | what | Applications and sync waves | enabled when |',
    '| --- | --- | --- | --- |',
    ...rows,
    '',
  ].join('\n');
}
