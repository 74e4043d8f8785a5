/**
 * Tests that read the real datasets in ../shared/data (never committed: their licences forbid
 * it) declare themselves with describeShared/itShared. Without the folder they are skipped and
 * counted (test/shared-data-reporter.ts prints one line); with CI=true a missing folder fails
 * the run instead, so CI can never go green without having run them.
 */
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, it } from 'vitest';

/** ../shared/data beside the checkout; SPCXR_SHARED_DATA points elsewhere (and tests this gate). */
export const SHARED_DATA = path.resolve(
  process.env.SPCXR_SHARED_DATA ??
    path.join(path.dirname(fileURLToPath(import.meta.url)), '../../shared/data'),
);
export const hasSharedData =
  existsSync(path.join(SHARED_DATA, 'cxr')) && existsSync(path.join(SHARED_DATA, 'dicom'));
/** Appended to the names of skipped tests; the reporter counts by it. */
export const NEEDS_SHARED_DATA = '[needs ../shared/data]';
const inCI = process.env.CI === 'true';
const missing = `shared CXR data not found at ${SHARED_DATA}`;

type SuiteFn = () => void;
type TestFn = () => unknown;

/** describe() for a suite that reads ../shared/data. */
export function describeShared(name: string, fn: SuiteFn): void {
  if (hasSharedData) describe(name, fn);
  else if (inCI) describe(name, () => it('has the shared data', failInCI));
  else describe.skip(`${name} ${NEEDS_SHARED_DATA}`, fn);
}

/** it() for one test that reads ../shared/data in a suite that otherwise does not. */
export function itShared(name: string, fn: TestFn, timeout?: number): void {
  if (hasSharedData) it(name, fn, timeout);
  else if (inCI) it(name, failInCI);
  else it.skip(`${name} ${NEEDS_SHARED_DATA}`, fn);
}

function failInCI(): never {
  throw new Error(`${missing}: CI must run every test (CI=true)`);
}
