import type { ResponseItem } from '@modelwire/client';
import { ErrorCode, ModelwireError } from '@modelwire/transport';
import { traceItemsOf } from './trace-items.js';

/**
 * Parses the text of a trace file into its items. Accepts
 * - JSON: an array of records, an object with an `items` array, or one record;
 * - JSONL: one record per line (blank lines ignored).
 * A leading byte-order mark is stripped. Records are unwrapped and filtered by
 * `traceItemsOf`.
 *
 * @param sourcePath used in error messages only.
 * @throws ModelwireError `decode_failed` naming the file (and line, for JSONL) when a line or
 *   the document is not valid JSON.
 */
export function parseTraceText(text: string, sourcePath: string): ResponseItem[] {
  const body = text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  const trimmed = body.trim();
  if (trimmed === '') return [];
  let whole: unknown;
  let isWholeJson = true;
  try {
    whole = JSON.parse(trimmed);
  } catch {
    isWholeJson = false;
  }
  if (isWholeJson) {
    if (Array.isArray(whole)) return traceItemsOf(whole);
    if (typeof whole === 'object' && whole !== null && Array.isArray((whole as { items?: unknown }).items)) {
      return traceItemsOf((whole as { items: unknown[] }).items);
    }
    return traceItemsOf([whole]);
  }
  const records: unknown[] = [];
  const lines = body.split(/\r?\n/);
  lines.forEach((line, index) => {
    if (line.trim() === '') return;
    try {
      records.push(JSON.parse(line));
    } catch (error) {
      throw new ModelwireError(ErrorCode.DecodeFailed, `trace file ${sourcePath}: line ${index + 1} is not valid JSON`, { cause: error });
    }
  });
  return traceItemsOf(records);
}
