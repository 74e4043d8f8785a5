import { createHash, randomUUID } from 'node:crypto';

/**
 * DICOM UIDs under the `2.25` root (PS3.5 B.2: a UUID written as one decimal integer), so the
 * app needs no registered organisation root. `uidFromKey` hashes its key instead of drawing a
 * random UUID: the same key always gives the same UID, on any machine.
 */
export function uidFromKey(key: string): string {
  const h = createHash('sha256').update(key).digest();
  // 122 bits, like a v4 UUID, keep the decimal form under the 64-character limit (≤ 42 chars).
  h[0] &= 0x03;
  return `2.25.${BigInt(`0x${h.subarray(0, 16).toString('hex')}`).toString(10)}`;
}

export function randomUid(): string {
  return `2.25.${BigInt(`0x${randomUUID().replace(/-/g, '')}`).toString(10)}`;
}

/**
 * UIDs for a PNG or JPEG source, which has none: one study, one series and one instance per
 * image, derived from the sha256 of its bytes. Exporting the same image twice, from any project,
 * references the same UIDs, and a SEG exported earlier can be imported back onto it.
 */
export function generatedSourceUids(sha256: string): { study: string; series: string; sop: string } {
  return {
    study: uidFromKey(`spcxr:study:${sha256}`),
    series: uidFromKey(`spcxr:series:${sha256}`),
    sop: uidFromKey(`spcxr:sop:${sha256}`),
  };
}

/** Standard UIDs (SOP classes, transfer syntaxes, coding schemes) are not identifying. */
export function isStandardUid(uid: string): boolean {
  return uid.startsWith('1.2.840.10008.');
}
