/*
 * Monaco's web workers, started from same-origin bundles that
 * scripts/build-web.js writes next to graphiql.js. Must run before GraphiQL
 * loads Monaco (graphiql/setup-workers/* do the same for Vite, webpack and a
 * CDN; none of them fits esbuild or an offline gateway).
 */
const base = new URL('./', import.meta.url);

(globalThis as unknown as { MonacoEnvironment: unknown }).MonacoEnvironment = {
  getWorker(_workerId: string, label: string): Worker {
    const file = label === 'json' ? 'json.worker.js' : label === 'graphql' ? 'graphql.worker.js' : 'editor.worker.js';
    return new Worker(new URL(file, base));
  },
};
