/**
 * The eventIds `import-logs` gave before issue 19 (gateway versions up to
 * 2026-12): the request hash then included the client IP, the session id
 * and the user cookie, so a stored id could be reversed to the IPv4 address
 * by trying all 2^32 of them (the other fields are stored or guessable).
 * Ids are now made without them ({@link requestHash}); this module only
 * lets an import recognise lines that an earlier version already stored,
 * so that a re-import after upgrading counts nothing twice
 * (src/logs/log-import.ts, docs/formats.md "Log import").
 *
 * REMOVE (this file, the `storedEventIds` check in log-import.ts and its
 * paragraph in docs/formats.md) once EVENT_LOG_RETENTION_DAYS has passed
 * since the upgrade, 13 months with the default 396 days: retention has then
 * dropped every event stored under a legacy id, and nothing is left to match.
 * Pure.
 */
import type { AccessLogLine } from './combined-log';
import { lineHash } from './log-events';

/** The request hash of versions before issue 19, byte for byte (test/log-import-ids.unit.test.ts pins a value). */
export function legacyRequestHash(line: AccessLogLine): string {
  return lineHash(
    JSON.stringify([line.time.getTime(), line.ip, line.user, line.sessionId ?? null, line.userCookie ?? null, line.userAgent, line.method, line.url]),
  );
}
