// Shared by the conformance tier's test files: the recordings (or `null`, saying so once per
// file), the counts each file reports, and where the tier's summary goes.
import { mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { CONFORMANCE_DIRECTORY, loadConformanceRecordings, type ConformanceRecording } from './conformance-recordings.ts';

/** Set to `1` (as CI may) to make a missing conformance folder a failure instead of a loud skip. */
export const REQUIRED_ENV = 'MODELWIRE_CONFORMANCE_REQUIRED';

/** The line printed when the folder is missing, and echoed by `npm test`'s summary. */
export const SKIPPED_LINE = 'conformance: skipped (no recordings)';

/** The recordings, or `null` after printing {@link SKIPPED_LINE}. */
export function tierRecordings(): ConformanceRecording[] | null {
  const recordings = loadConformanceRecordings();
  if (recordings === null) process.stdout.write(`${SKIPPED_LINE} (looked in ${CONFORMANCE_DIRECTORY})\n`);
  return recordings;
}

/** Where each tier file writes its counts (`conformance-<part>.json`); `npm test` prints them under its summary. */
const REPORT_DIRECTORY = join(import.meta.dirname, '..', '..', 'reports');

/** Writes one part's counts (one file per part: the tier's files run in parallel) and prints them. */
export function reportTierCounts(part: string, counts: Readonly<Record<string, number | string>>): void {
  mkdirSync(REPORT_DIRECTORY, { recursive: true });
  writeFileSync(join(REPORT_DIRECTORY, `conformance-${part}.json`), `${JSON.stringify({ part, ...counts }, null, 2)}\n`);
  process.stdout.write(`conformance ${part}: ${Object.entries(counts).map(([key, value]) => `${key} ${value}`).join(', ')}\n`);
}

/** Deterministic numbers in [0, 1) for the wire timing of one run (mulberry32). */
export { seededRandom } from '@modelwire/bench/src/shared/responses-stream.ts';
