import { mkdtempSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { startEmbeddedDatabase, type EmbeddedDatabase } from '../../src/db/embedded-database';

declare global {
  // eslint-disable-next-line no-var
  var __UG_TEST_DB__: EmbeddedDatabase | undefined;
}

/**
 * One embedded FerretDB for the whole run (each test file uses its own
 * database name). With MONGODB_URI set, tests run against that server.
 */
export default async function globalSetup(): Promise<void> {
  if (process.env.MONGODB_URI) {
    process.env.TEST_MONGODB_URI = process.env.MONGODB_URI;
    return;
  }
  const dataDir = mkdtempSync(path.join(os.tmpdir(), 'usage-gateway-test-'));
  const db = await startEmbeddedDatabase({ dataDir });
  globalThis.__UG_TEST_DB__ = db;
  process.env.TEST_MONGODB_URI = db.uri;
  process.env.TEST_DATA_DIR = dataDir;
}
