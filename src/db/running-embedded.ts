import { existsSync } from 'node:fs';
import path from 'node:path';
import { MongoClient } from 'mongodb';
import { SOCKET_NAME } from './embedded-database';

/**
 * The URI of the embedded database a running gateway serves on its socket
 * in `dataDir`, or null: two FerretDB processes must not share a data
 * directory, and a recount must run beside the serving gateway.
 */
export async function runningEmbedded(dataDir: string): Promise<string | null> {
  const socket = path.join(dataDir, SOCKET_NAME);
  if (!existsSync(socket)) return null;
  const uri = `mongodb://${encodeURIComponent(socket)}/`;
  const client = new MongoClient(uri, { serverSelectionTimeoutMS: 1500 });
  try {
    await client.db('admin').command({ ping: 1 });
    return uri;
  } catch {
    // A socket left by a stopped gateway.
    return null;
  } finally {
    await client.close().catch(() => undefined);
  }
}
