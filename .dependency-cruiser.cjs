/**
 * The layer rule (docs/design.md, "Code map"): imports run one way,
 *
 *   entry (http/, graphql/, cli*.ts, index.ts, *.routes.ts, *-cli.ts)
 *     → services (feature folders; wired in services.ts)
 *       → domain and pure rules (domain/, counting/, dates/, errors/, util/)
 *         → store (store/, db/) → MongoDB.
 *
 * `npm run lint:deps` runs it; test/layers.unit.test.ts runs it in `npm test`,
 * so CI fails on a new violation. There are no exceptions: fix the import,
 * don't add one here.
 */
const ENTRY = '^src/(http|graphql)/|^src/(cli[^/]*|index|gateway)\\.ts$|\\.routes\\.ts$|-cli\\.ts$';
const COMPOSITION_ROOTS = '^src/(services|gateway|cli-run)\\.ts$';
const PURE = '^src/(domain|counting|dates|errors|util)/';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-cycles',
      comment: 'An import cycle makes load order matter and two modules one; split out what both need.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'mongodb-only-in-store',
      comment: 'Only the store (and the embedded database launcher) speaks MongoDB; everything else calls a repository.',
      severity: 'error',
      from: { path: '^src/', pathNot: '^src/(store|db)/' },
      to: { path: '(^|/)node_modules/mongodb/' },
    },
    {
      name: 'store-imports-only-lower-layers',
      comment: 'The store returns types it owns (store/) or plain domain types; it never reaches up into services or entry points.',
      severity: 'error',
      from: { path: '^src/store/' },
      to: { path: '^src/', pathNot: '^src/(store|domain|errors|util)/' },
    },
    {
      name: 'pure-rules-import-no-io-layer',
      comment: 'Counting rules, dates, errors and domain types are pure: no services, no store, no entry points.',
      severity: 'error',
      from: { path: PURE },
      to: { path: '^src/', pathNot: PURE },
    },
    {
      name: 'nothing-imports-entry-points',
      comment: 'Services and rules do not know how they are called: no imports of http/, graphql/, routes or CLI commands.',
      severity: 'error',
      from: { path: '^src/', pathNot: ENTRY },
      to: { path: ENTRY },
    },
    {
      name: 'entry-points-skip-the-store',
      comment:
        'Routes, resolvers and commands call services, not repositories. They may name the document types ' +
        'they are handed (type-only imports). The composition roots (services.ts, gateway.ts, cli-run.ts) ' +
        'open the store and wire it into the services.',
      severity: 'error',
      from: { path: ENTRY, pathNot: COMPOSITION_ROOTS },
      to: { path: '^src/store/', dependencyTypesNot: ['type-only'] },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    includeOnly: '^src/|(^|/)node_modules/mongodb/',
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default'] },
  },
};
