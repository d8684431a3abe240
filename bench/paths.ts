import path from 'node:path';

/** The repository's root, whether the benchmarks run compiled (dist/bench) or under ts-node (bench). */
export const REPO_ROOT = path.resolve(__dirname, __filename.endsWith('.js') ? '../..' : '..');
