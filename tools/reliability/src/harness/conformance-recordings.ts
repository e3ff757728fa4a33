// The real recorded Responses streams under `../shared/conformance/` (beside the repository;
// see its README), loaded for replay tests. They are read where they are, never copied into the
// repository. A replay test calls `loadConformanceRecordings()` and, when it returns `null`,
// prints `conformance: skipped (no recordings)` and skips: it never passes silently.
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/conformance` relative to the repository root. */
export const CONFORMANCE_DIRECTORY = fileURLToPath(new URL('../../../../../shared/conformance/', import.meta.url));

/** One line of a recording: one event as the server sent it. */
export interface RecordedLine {
  /** The line as recorded (an SSE `data` field / a WebSocket text frame). */
  readonly text: string;
  /** The parsed event; `undefined` for a line that is not a JSON object (some recordings have them on purpose). */
  readonly event: Readonly<Record<string, unknown>> | undefined;
}

/** One response of a recording: its lines from one `response.created` to the next. */
export interface RecordedResponse {
  /** `<recording>#<n>` (n from 1). */
  readonly name: string;
  readonly lines: readonly RecordedLine[];
}

/** One recorded file. */
export interface ConformanceRecording {
  /** Path below the conformance folder without `.chunks.txt`, e.g. `openai/openai-error.1`. */
  readonly name: string;
  /** The provider folder (`openai`, `azure`, `xai`, `open-responses`). */
  readonly provider: string;
  readonly lines: readonly RecordedLine[];
  /** The responses it holds, in order (a file may hold several: a multi-step exchange). */
  readonly responses: readonly RecordedResponse[];
}

function parseLine(text: string): RecordedLine {
  try {
    const value: unknown = JSON.parse(text);
    return { text, event: typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined };
  } catch {
    return { text, event: undefined };
  }
}

function splitResponses(name: string, lines: readonly RecordedLine[]): RecordedResponse[] {
  const groups: RecordedLine[][] = [];
  for (const line of lines) {
    const current = groups.at(-1);
    if (current === undefined || (line.event?.['type'] === 'response.created' && current.some((earlier) => earlier.event !== undefined))) groups.push([line]);
    else current.push(line);
  }
  return groups.map((group, index) => ({ name: `${name}#${index + 1}`, lines: group }));
}

function recordingFiles(directory: string): string[] {
  const files: string[] = [];
  for (const entry of readdirSync(directory).sort()) {
    const path = join(directory, entry);
    if (statSync(path).isDirectory()) files.push(...recordingFiles(path));
    else if (entry.endsWith('.chunks.txt')) files.push(path);
  }
  return files;
}

/**
 * Every recording under `directory` (default {@link CONFORMANCE_DIRECTORY}), sorted by path;
 * `null` when the folder does not exist.
 */
export function loadConformanceRecordings(directory: string = CONFORMANCE_DIRECTORY): ConformanceRecording[] | null {
  if (!existsSync(directory)) return null;
  return recordingFiles(directory).map((path) => {
    const name = relative(directory, path).replace(/\.chunks\.txt$/, '').split('\\').join('/');
    const lines = readFileSync(path, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '')
      .map(parseLine);
    return { name, provider: name.split('/')[0] ?? '', lines, responses: splitResponses(name, lines) };
  });
}
