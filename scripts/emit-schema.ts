/*
 * Writes the SDL of the code-first schema to schema/schema.graphql.
 * With --check, exits 1 when the committed file differs (CI and `npm test`
 * run it so a stale schema cannot land).
 */
import 'reflect-metadata';
import { readFileSync, writeFileSync, mkdirSync } from 'node:fs';
import path from 'node:path';
import { lexicographicSortSchema, printSchema } from 'graphql';
import { buildGatewaySchema } from '../src/graphql/schema';

async function main(): Promise<void> {
  const file = path.resolve(__dirname, '..', 'schema', 'schema.graphql');
  const sdl = printSchema(lexicographicSortSchema(await buildGatewaySchema())) + '\n';
  if (process.argv.includes('--check')) {
    let current = '';
    try {
      current = readFileSync(file, 'utf8');
    } catch {
      /* missing counts as stale */
    }
    if (current !== sdl) {
      console.error('schema/schema.graphql is stale: run `npm run schema` and commit the result.');
      process.exit(1);
    }
    console.log('schema/schema.graphql is up to date.');
    return;
  }
  mkdirSync(path.dirname(file), { recursive: true });
  writeFileSync(file, sdl);
  console.log(`wrote ${path.relative(process.cwd(), file)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
