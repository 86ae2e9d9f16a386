import { createGunzip } from 'node:zlib';
import type { ImportLine } from './import-kind.js';

/** The two bytes every gzip stream starts with (RFC 1952). */
const GZIP_MAGIC = [0x1f, 0x8b] as const;

/**
 * Numbered lines of a byte stream: gunzipped when it starts with the gzip magic bytes (whatever the
 * file is called), split on LF (a CR before it is left to the kind), decoded as UTF-8 — SSIM and CSV
 * files are ASCII, and a line never holds more than one record, so memory holds one chunk and one
 * line. `onBytes` is told the raw (compressed) bytes consumed so far, for progress against a size.
 */
export async function* numberedLines(
  bytes: AsyncIterable<Uint8Array>,
  onBytes?: (consumed: number) => void,
): AsyncGenerator<ImportLine> {
  let consumed = 0;
  const counted = (async function* () {
    for await (const chunk of bytes) {
      consumed += chunk.byteLength;
      onBytes?.(consumed);
      yield chunk;
    }
  })();
  const first = await counted.next();
  if (first.done) return;
  const head = first.value;
  const rest = (async function* () {
    yield head;
    yield* counted;
  })();
  const decoded: AsyncIterable<Uint8Array> =
    head[0] === GZIP_MAGIC[0] && head[1] === GZIP_MAGIC[1] ? gunzip(rest) : rest;
  let line = 0;
  let carry = '';
  const decoder = new TextDecoder('utf-8');
  for await (const chunk of decoded) {
    const text = carry + decoder.decode(chunk, { stream: true });
    let start = 0;
    for (let end = text.indexOf('\n', start); end >= 0; end = text.indexOf('\n', start)) {
      line++;
      yield { line, text: text.slice(start, end) };
      start = end + 1;
    }
    carry = text.slice(start);
  }
  carry += decoder.decode();
  if (carry !== '') yield { line: line + 1, text: carry };
}

/** Gunzips an async byte stream (a truncated or corrupt stream rejects, as zlib reports it). */
function gunzip(source: AsyncIterable<Uint8Array>): AsyncIterable<Uint8Array> {
  const inflate = createGunzip();
  void (async () => {
    try {
      for await (const chunk of source) {
        if (!inflate.write(chunk)) await new Promise((resolve) => inflate.once('drain', resolve));
      }
      inflate.end();
    } catch (error) {
      inflate.destroy(error as Error);
    }
  })();
  return inflate;
}
