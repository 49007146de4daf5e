/**
 * What a commitment scan must be: a PDF with at least one page, a JPEG or a PNG that decodes — its
 * structure checked by the format's library, not five magic bytes, so an HTML page that starts with
 * `%PDF-` is refused. The type served back is the one checked here, never the uploader's.
 */
import jpeg from 'jpeg-js';
import { PDFDocument } from 'pdf-lib';
import { PNG } from 'pngjs';

export type ScanType = 'application/pdf' | 'image/jpeg' | 'image/png';

export const SCAN_EXTENSIONS: Record<ScanType, string> = {
  'application/pdf': 'pdf',
  'image/jpeg': 'jpg',
  'image/png': 'png',
};

const starts = (bytes: Uint8Array, head: number[]) => head.every((b, i) => bytes[i] === b);

async function isPdf(bytes: Uint8Array): Promise<boolean> {
  try {
    const document = await PDFDocument.load(bytes, {
      throwOnInvalidObject: true,
      updateMetadata: false,
      ignoreEncryption: true,
    });
    return document.getPageCount() > 0;
  } catch {
    return false;
  }
}

function decodes(decode: () => unknown): boolean {
  try {
    decode();
    return true;
  } catch {
    return false;
  }
}

/** The scan's checked type, or why it is refused (told to the applicant). */
export async function checkScan(
  bytes: Uint8Array,
): Promise<{ ok: true; contentType: ScanType } | { ok: false; reason: string }> {
  if (bytes.length === 0) return { ok: false, reason: '文件为空' };
  const refused = { ok: false as const, reason: '文件不是完整的PDF、JPEG或PNG' };
  if (starts(bytes, [0x25, 0x50, 0x44, 0x46, 0x2d]))
    return (await isPdf(bytes)) ? { ok: true, contentType: 'application/pdf' } : refused;
  if (starts(bytes, [0xff, 0xd8, 0xff]))
    return decodes(() => jpeg.decode(bytes, { maxMemoryUsageInMB: 512, maxResolutionInMP: 100 }))
      ? { ok: true, contentType: 'image/jpeg' }
      : refused;
  if (starts(bytes, [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]))
    return decodes(() => PNG.sync.read(Buffer.from(bytes)))
      ? { ok: true, contentType: 'image/png' }
      : refused;
  return { ok: false, reason: '文件不是PDF、JPEG或PNG' };
}
