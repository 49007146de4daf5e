/**
 * Text files as people save them: UTF-8 with or without a BOM, UTF-16 with its BOM, or GB18030 /
 * GBK (what Excel on Chinese Windows saves a CSV as). The encoding is detected, never asked for:
 * bytes that are valid UTF-8 are UTF-8, anything else is GB18030 (a superset of GBK and GB2312).
 */
import iconv from 'iconv-lite';

export type TextEncoding = 'utf-8' | 'utf-16le' | 'utf-16be' | 'gb18030';

/** How much of a stream is looked at before its encoding is decided. */
const SNIFF_BYTES = 64 * 1024;

/** The encoding of a file from its first bytes; `complete` when `head` is the whole file. */
export function detectEncoding(head: Uint8Array, complete = true): TextEncoding {
  if (head[0] === 0xef && head[1] === 0xbb && head[2] === 0xbf) return 'utf-8';
  if (head[0] === 0xff && head[1] === 0xfe) return 'utf-16le';
  if (head[0] === 0xfe && head[1] === 0xff) return 'utf-16be';
  try {
    // a character cut at the end of a sniffed head is not an error: `stream` leaves it pending
    new TextDecoder('utf-8', { fatal: true }).decode(head, { stream: !complete });
    return 'utf-8';
  } catch {
    return 'gb18030';
  }
}

/** A whole file as text, its BOM dropped. */
export function decodeText(bytes: Uint8Array): { text: string; encoding: TextEncoding } {
  const encoding = detectEncoding(bytes);
  // iconv-lite strips the BOM of UTF-8 and UTF-16 by default
  return {
    text: iconv.decode(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength), encoding),
    encoding,
  };
}

/** A stream of bytes as a stream of text: the encoding decided on its first 64 KiB. */
export async function* decodeStream(
  source: AsyncIterable<Uint8Array>,
  onEncoding?: (encoding: TextEncoding) => void,
): AsyncGenerator<string> {
  const pending: Buffer[] = [];
  let size = 0;
  let decoder: ReturnType<typeof iconv.getDecoder> | undefined;
  /** decides the encoding on what has come so far, and decodes it */
  const start = (complete: boolean): string => {
    const head = Buffer.concat(pending);
    const encoding = detectEncoding(head, complete);
    onEncoding?.(encoding);
    decoder = iconv.getDecoder(encoding);
    return decoder.write(head);
  };
  for await (const chunk of source) {
    let text: string;
    if (decoder) text = decoder.write(Buffer.from(chunk));
    else {
      pending.push(Buffer.from(chunk));
      size += chunk.byteLength;
      if (size < SNIFF_BYTES) continue;
      text = start(false);
    }
    if (text) yield text;
  }
  const head = decoder ? '' : start(true);
  if (head) yield head;
  const rest = decoder!.end();
  if (rest) yield rest;
}
