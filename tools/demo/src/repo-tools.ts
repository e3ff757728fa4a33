// Two harmless local tools for the demo agent: list a directory and read a file of this
// repository (text, or an image the model gets as image content). Read-only, confined to the
// repository root (symbolic links included), with caps on entries and bytes so that a model can
// never pull in something large. Their arguments are a zod schema: typed handlers, validated
// arguments, generated JSON Schema.
import { lstat, open, readdir, realpath } from 'node:fs/promises';
import { extname, isAbsolute, relative, resolve, sep } from 'node:path';
import { functionTool, type FunctionToolDefinition, type ToolResult } from '@modelwire/core-session';
import { z } from 'zod';

/** Largest slice of a text file returned by `read_file`, in bytes. */
export const MAX_READ_BYTES = 16 * 1024;
/** Largest image returned by `read_file` (as image content), in bytes. */
export const MAX_IMAGE_BYTES = 512 * 1024;
/** Image types `read_file` returns as image content, by file extension. */
const IMAGE_TYPES: Readonly<Record<string, string>> = { '.png': 'image/png', '.jpg': 'image/jpeg', '.jpeg': 'image/jpeg', '.gif': 'image/gif', '.webp': 'image/webp' };
/** Most entries returned by `list_files`. */
export const MAX_LIST_ENTRIES = 200;
/** Directory names never listed or entered (large or private). */
const HIDDEN = new Set(['.git', 'node_modules', 'dist', 'out-tsc', '.nx', 'reports']);

/** A path outside the sandbox or otherwise refused: reported to the model, not thrown further. */
class RefusedPath extends Error {}

/** Resolves `requested` inside `root`; refuses escapes (`..`, absolute paths, links out) and hidden folders. */
async function confined(root: string, requested: unknown): Promise<{ absolute: string; shown: string }> {
  const path = typeof requested === 'string' && requested.trim() !== '' ? requested.trim() : '.';
  if (isAbsolute(path)) throw new RefusedPath(`absolute paths are not allowed: use a path relative to the repository root`);
  const absolute = resolve(root, path);
  const inside = (candidate: string): boolean => candidate === root || candidate.startsWith(root + sep);
  if (!inside(absolute)) throw new RefusedPath(`'${path}' is outside the repository`);
  let real: string;
  try {
    real = await realpath(absolute);
  } catch {
    throw new RefusedPath(`'${path}' does not exist`);
  }
  if (!inside(real)) throw new RefusedPath(`'${path}' leads outside the repository`);
  const shown = relative(root, real) || '.';
  if (shown.split(sep).some((part) => HIDDEN.has(part))) throw new RefusedPath(`'${path}' is not available to this tool`);
  return { absolute: real, shown };
}

function refusal(error: unknown): ToolResult {
  if (error instanceof RefusedPath) return { output: `error: ${error.message}`, success: false };
  throw error;
}

function sizeText(bytes: number): string {
  return bytes < 1024 ? `${bytes} B` : `${(bytes / 1024).toFixed(1)} KiB`;
}

/** Lists one directory: `d name/` and `f name  size` lines, sorted, hidden folders left out. */
export async function listFiles(root: string, path: unknown, signal?: AbortSignal): Promise<ToolResult> {
  try {
    const { absolute, shown } = await confined(root, path);
    if (!(await lstat(absolute)).isDirectory()) return { output: `error: '${shown}' is not a directory`, success: false };
    const entries = (await readdir(absolute, { withFileTypes: true })).filter((entry) => !HIDDEN.has(entry.name)).sort((a, b) => a.name.localeCompare(b.name));
    const lines: string[] = [];
    for (const entry of entries.slice(0, MAX_LIST_ENTRIES)) {
      signal?.throwIfAborted();
      if (entry.isDirectory()) lines.push(`d ${entry.name}/`);
      else if (entry.isFile()) lines.push(`f ${entry.name}  ${sizeText((await lstat(resolve(absolute, entry.name))).size)}`);
    }
    if (entries.length > MAX_LIST_ENTRIES) lines.push(`… ${entries.length - MAX_LIST_ENTRIES} more entries not shown`);
    return `${shown}:\n${lines.join('\n')}`;
  } catch (error) {
    return refusal(error);
  }
}

/**
 * Reads the start of one text file (at most {@link MAX_READ_BYTES}), or a PNG, JPEG, GIF or
 * WebP image (at most {@link MAX_IMAGE_BYTES}) as image content; other binary files are refused.
 */
export async function readFile(root: string, path: unknown, signal?: AbortSignal): Promise<ToolResult> {
  try {
    const { absolute, shown } = await confined(root, path);
    const stats = await lstat(absolute);
    if (!stats.isFile()) return { output: `error: '${shown}' is not a file`, success: false };
    const imageType = IMAGE_TYPES[extname(absolute).toLowerCase()];
    if (imageType !== undefined && stats.size > MAX_IMAGE_BYTES) return { output: `error: '${shown}' is larger than ${sizeText(MAX_IMAGE_BYTES)}`, success: false };
    const handle = await open(absolute, 'r');
    try {
      const buffer = Buffer.alloc(Math.min(stats.size, imageType === undefined ? MAX_READ_BYTES : MAX_IMAGE_BYTES));
      const { bytesRead } = await handle.read(buffer, 0, buffer.length, 0);
      signal?.throwIfAborted();
      const bytes = buffer.subarray(0, bytesRead);
      if (imageType !== undefined) {
        return [
          { type: 'input_text', text: `${shown} (${imageType}, ${sizeText(bytesRead)}):` },
          { type: 'input_image', image_url: `data:${imageType};base64,${bytes.toString('base64')}` },
        ];
      }
      if (bytes.includes(0)) return { output: `error: '${shown}' is a binary file`, success: false };
      const text = bytes.toString('utf8');
      const note = stats.size > bytesRead ? `\n… (${sizeText(stats.size - bytesRead)} more not shown)` : '';
      return `${text}${note}`;
    } finally {
      await handle.close();
    }
  } catch (error) {
    return refusal(error);
  }
}

/** The arguments of both tools: one path. Closed and fully required, so it works with `strict: true`. */
const PathArguments = z.strictObject({ path: z.string().describe('Path relative to the repository root') });

/** The two tools, bound to `root` (the repository root). */
export function repositoryTools(root: string): FunctionToolDefinition<{ path: string }>[] {
  const sandbox = resolve(root);
  return [
    functionTool({
      name: 'list_files',
      description: 'Lists the files and folders of one directory of the repository (read-only).',
      parameters: PathArguments,
      strict: true,
      timeoutMs: 10_000,
      handler: ({ path }, context) => listFiles(sandbox, path, context.signal),
    }),
    functionTool({
      name: 'read_file',
      description: `Reads a file of the repository (read-only): text (first ${MAX_READ_BYTES / 1024} KiB), or an image (PNG, JPEG, GIF, WebP up to ${MAX_IMAGE_BYTES / 1024} KiB) to look at.`,
      parameters: PathArguments,
      strict: true,
      timeoutMs: 10_000,
      handler: ({ path }, context) => readFile(sandbox, path, context.signal),
    }),
  ];
}
