import { readFile } from 'node:fs/promises';
import type { MemoryTraceInput } from '@modelwire/client';
import { InvalidArgumentError, toAbortError } from '@modelwire/transport';
import { parseTraceText } from './parse-trace-text.js';

/** Options of {@link readMemoryTraces}. */
export interface ReadMemoryTracesOptions {
  /** Aborts the reads. */
  readonly signal?: AbortSignal;
}

/**
 * Reads trace files (JSON or JSONL, UTF-8, BOM stripped) into traces for
 * `summarizeMemoryTraces`: one trace per file, in the given order, with the id
 * `trace_<n>` (1-based position) and the path as `sourcePath` (`metadata.source_path`).
 *
 * @throws InvalidArgumentError (path `paths[i]`) when a file cannot be read; ModelwireError
 *   `decode_failed` when it is not valid JSON/JSONL; `aborted` on abort.
 */
export async function readMemoryTraces(paths: readonly string[], options: ReadMemoryTracesOptions = {}): Promise<MemoryTraceInput[]> {
  return Promise.all(
    paths.map(async (path, index) => {
      let text: string;
      try {
        text = await readFile(path, { encoding: 'utf8', ...(options.signal === undefined ? {} : { signal: options.signal }) });
      } catch (error) {
        if (options.signal?.aborted) throw toAbortError(options.signal.reason);
        throw new InvalidArgumentError({ path: `paths[${index}]`, message: `cannot read trace file ${path}` }, { cause: error });
      }
      return { id: `trace_${index + 1}`, sourcePath: path, items: parseTraceText(text, path) };
    }),
  );
}
