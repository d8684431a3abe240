/**
 * Lines of a text stream with a bound on their length, for the importers
 * (`import-logs`, `import-events`).
 *
 * Why not `node:readline`: it holds a whole line as one string, whatever its
 * size: a 300 MB line took 733 MB, a 600 MB one crashed the import (past
 * V8's longest string) and lost the batch read before it. Here an over-long
 * line is reported by its number and length and its bytes are dropped as
 * they arrive: memory stays at `maxLineBytes` plus one chunk. (`split2`'s
 * `maxLength` either fails the stream or skips without a word, losing the
 * line numbers.)
 *
 * Encodings: UTF-8 (a byte-order mark is dropped); UTF-16 with a byte-order
 * mark (what Windows tools write) is decoded; a file that looks like UTF-16
 * without one (NUL bytes in much of its start) is refused with
 * {@link TextEncodingError} rather than read as garbage line by line.
 */
import { Buffer } from 'node:buffer';

/** Default longest line, bytes of UTF-8 (64 KiB). */
export const MAX_LINE_BYTES = 64 * 1024;

export type TextLine = { lineNo: number; text: string; tooLong?: undefined } | { lineNo: number; tooLong: true; bytes: number };

export class TextEncodingError extends Error {}

export interface TextLineOptions {
  /** Longest line kept, bytes of UTF-8 without the line break. Default {@link MAX_LINE_BYTES}. */
  maxLineBytes?: number;
}

/** How much of the start is looked at for NUL bytes, bytes. */
const SNIFF_BYTES = 4096;

/** Bytes of the file to UTF-8 bytes; `last` flushes what a multi-byte decoder holds. */
type Decode = (b: Buffer, last: boolean) => Buffer;

const asIs: Decode = (b) => b;

/** Decodes the stream to UTF-8 bytes, by its byte-order mark. */
async function* utf8Chunks(input: AsyncIterable<Buffer | string>): AsyncGenerator<Buffer> {
  let head: Buffer = Buffer.alloc(0);
  let decode: Decode | null = null;
  // Chosen from the first bytes (set inside `start`, hence read through this).
  const decoder = (): Decode | null => decode;
  const start = (final: boolean): Buffer | null => {
    if (head.length < 4 && !final) return null;
    if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) {
      decode = asIs;
      return head.subarray(3);
    }
    const le = head[0] === 0xff && head[1] === 0xfe;
    const be = head[0] === 0xfe && head[1] === 0xff;
    if (le || be) {
      decode = utf16Decoder(be);
      return decode(head.subarray(2), final);
    }
    const sniff = head.subarray(0, SNIFF_BYTES);
    let nul = 0;
    for (const b of sniff) if (b === 0) nul++;
    // UTF-16 text of Latin letters is half NULs; a stray NUL in a log line is not.
    if (sniff.length >= 4 && nul * 4 >= sniff.length) {
      throw new TextEncodingError('the file looks like UTF-16 without a byte-order mark (or binary): convert it to UTF-8 first (e.g. iconv -f UTF-16LE -t UTF-8)');
    }
    decode = asIs;
    return head;
  };
  for await (const c of input) {
    const chunk = typeof c === 'string' ? Buffer.from(c, 'utf8') : c;
    const d = decoder();
    if (d) {
      yield d(chunk, false);
      continue;
    }
    head = head.length ? Buffer.concat([head, chunk]) : chunk;
    const first = start(false);
    if (first) yield first;
  }
  const d = decoder();
  const rest = d ? d(Buffer.alloc(0), true) : start(true);
  if (rest?.length) yield rest;
}

function utf16Decoder(bigEndian: boolean): Decode {
  const decoder = new TextDecoder('utf-16le');
  let carry: Buffer | null = null;
  return (b, last) => {
    let bytes = carry ? Buffer.concat([carry, b]) : b;
    carry = null;
    if (bigEndian) {
      // Whole code units only; the odd byte waits for the next chunk.
      if (bytes.length % 2) {
        carry = Buffer.from(bytes.subarray(bytes.length - 1));
        bytes = bytes.subarray(0, bytes.length - 1);
      }
      bytes = Buffer.from(bytes).swap16();
    }
    return Buffer.from(decoder.decode(bytes, { stream: !last }), 'utf8');
  };
}

/**
 * The lines of `input`, numbered from 1, a chunk's worth at a time. A line
 * longer than `maxLineBytes` comes as `{ tooLong: true, bytes }`. A
 * trailing `\r` is dropped (CRLF files).
 */
export async function* readTextLines(input: AsyncIterable<Buffer | string>, opts: TextLineOptions = {}): AsyncGenerator<TextLine[]> {
  const max = opts.maxLineBytes ?? MAX_LINE_BYTES;
  let parts: Buffer[] = [];
  let partBytes = 0;
  /** Bytes of the current line dropped so far (> 0: the line is over-long). */
  let dropped = 0;
  let lineNo = 0;
  /** The current line ending with `last`, without a trailing `\r`: its text, or null when over-long. */
  const lineOf = (last: Buffer): string | null => {
    const line = parts.length ? Buffer.concat([...parts, last]) : last;
    const end = line.length > 0 && line[line.length - 1] === 0x0d ? line.length - 1 : line.length;
    return end > max ? null : line.toString('utf8', 0, end);
  };
  for await (const chunk of utf8Chunks(input)) {
    const out: TextLine[] = [];
    let from = 0;
    for (;;) {
      const nl = chunk.indexOf(0x0a, from);
      if (nl === -1) {
        const rest = chunk.length - from;
        if (dropped > 0) dropped += rest;
        else if (partBytes + rest > max + 1) {
          dropped = partBytes + rest;
          parts = [];
          partBytes = 0;
        } else if (rest > 0) {
          parts.push(chunk.subarray(from));
          partBytes += rest;
        }
        break;
      }
      lineNo++;
      const seg = nl - from;
      if (dropped > 0 || partBytes + seg > max + 1) {
        out.push({ lineNo, tooLong: true, bytes: dropped + partBytes + seg });
      } else {
        const t = lineOf(chunk.subarray(from, nl));
        out.push(t === null ? { lineNo, tooLong: true, bytes: partBytes + seg } : { lineNo, text: t });
      }
      parts = [];
      partBytes = 0;
      dropped = 0;
      from = nl + 1;
    }
    if (out.length) yield out;
  }
  if (dropped > 0) yield [{ lineNo: lineNo + 1, tooLong: true, bytes: dropped }];
  else if (partBytes > 0) {
    const t = lineOf(Buffer.alloc(0));
    yield [t === null ? { lineNo: lineNo + 1, tooLong: true, bytes: partBytes } : { lineNo: lineNo + 1, text: t }];
  }
}
