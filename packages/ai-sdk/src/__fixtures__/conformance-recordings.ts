// The real recorded Responses streams of `../shared/conformance/openai/` (beside the repository;
// see its README), read where they are, never copied into the repository. A test that replays
// them calls `openAiRecordings()` and, when it returns `null`, skips after printing
// `conformance: skipped (no recordings)`: it never passes silently.
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

/** `../shared/conformance/openai` relative to the repository root. */
export const OPENAI_RECORDINGS_DIRECTORY = fileURLToPath(new URL('../../../../../shared/conformance/openai/', import.meta.url));

/** One response of a recording: its lines (SSE `data` fields) from one `response.created` to the next. */
export interface RecordedResponse {
  /** `<file>#<n>` (n from 1). */
  readonly name: string;
  readonly lines: readonly string[];
  /** The `response` object of its `response.created` event (the request's tools, tool choice). */
  readonly created: Readonly<Record<string, unknown>>;
}

function parsed(line: string): Readonly<Record<string, unknown>> | undefined {
  try {
    const value: unknown = JSON.parse(line);
    return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

function responsesOf(file: string, lines: readonly string[]): RecordedResponse[] {
  const groups: string[][] = [];
  for (const line of lines) {
    const current = groups.at(-1);
    if (current === undefined || (parsed(line)?.['type'] === 'response.created' && current.length > 0)) groups.push([line]);
    else current.push(line);
  }
  return groups.map((group, index) => {
    const created = group.map(parsed).find((event) => event?.['type'] === 'response.created');
    const response = created?.['response'];
    return { name: `${file}#${index + 1}`, lines: group, created: typeof response === 'object' && response !== null ? (response as Record<string, unknown>) : {} };
  });
}

/** Every response of every recording of the OpenAI API, by file name order; `null` (after saying so) when the folder is absent. */
export function openAiRecordings(directory: string = OPENAI_RECORDINGS_DIRECTORY): RecordedResponse[] | null {
  if (!existsSync(directory)) {
    process.stdout.write(`conformance: skipped (no recordings) (looked in ${directory})\n`);
    return null;
  }
  return readdirSync(directory)
    .filter((entry) => entry.endsWith('.chunks.txt'))
    .sort()
    .flatMap((entry) => {
      const lines = readFileSync(join(directory, entry), 'utf8')
        .split('\n')
        .filter((line) => line.trim() !== '');
      return responsesOf(entry.replace(/\.chunks\.txt$/, ''), lines);
    });
}
