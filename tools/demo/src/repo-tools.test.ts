import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ToolRegistry } from '@modelwire/core-session';
import { listFiles, MAX_IMAGE_BYTES, MAX_READ_BYTES, readFile, repositoryTools } from './repo-tools.ts';

/** A 1×1 PNG. */
const PNG = Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64');

let root: string;
let outside: string;

beforeAll(async () => {
  outside = await mkdtemp(join(tmpdir(), 'demo-outside-'));
  await writeFile(join(outside, 'secret.txt'), 'not for the model');
  root = await mkdtemp(join(tmpdir(), 'demo-root-'));
  await mkdir(join(root, 'docs'));
  await mkdir(join(root, 'node_modules'));
  await mkdir(join(root, '.git'));
  await writeFile(join(root, 'README.md'), '# Title\n\nHello.\n');
  await writeFile(join(root, 'big.txt'), 'x'.repeat(MAX_READ_BYTES + 100));
  await writeFile(join(root, 'image.bin'), Buffer.from([0x89, 0x50, 0x00, 0x01]));
  await mkdir(join(root, 'img'));
  await writeFile(join(root, 'img', 'dot.png'), PNG);
  await writeFile(join(root, 'img', 'huge.png'), Buffer.alloc(MAX_IMAGE_BYTES + 1));
  await writeFile(join(root, 'docs', 'guide.md'), 'guide');
  await symlink(join(outside, 'secret.txt'), join(root, 'escape.txt'));
});

afterAll(async () => {
  await rm(root, { recursive: true, force: true });
  await rm(outside, { recursive: true, force: true });
});

describe('repository tools', () => {
  it('lists a directory without hidden folders', async () => {
    const output = await listFiles(root, '.');
    // Symbolic links are not listed; entries sort case-insensitively.
    expect(output).toBe('.:\nf big.txt  16.1 KiB\nd docs/\nf image.bin  4 B\nd img/\nf README.md  16 B');
    expect(await listFiles(root, 'docs')).toBe('docs:\nf guide.md  5 B');
  });

  it('reads a text file and caps large ones', async () => {
    expect(await readFile(root, 'README.md')).toBe('# Title\n\nHello.\n');
    const big = await readFile(root, 'big.txt');
    expect(typeof big === 'string' && big.startsWith('x'.repeat(MAX_READ_BYTES)) && big.endsWith('(100 B more not shown)')).toBe(true);
  });

  it.each([
    ['../secret.txt', /outside the repository/],
    ['/etc/passwd', /absolute paths are not allowed/],
    ['escape.txt', /leads outside the repository/],
    ['node_modules', /not available/],
    ['.git', /not available/],
    ['missing.md', /does not exist/],
  ])('refuses %s', async (path, message) => {
    expect(await readFile(root, path)).toMatchObject({ success: false, output: expect.stringMatching(message) });
  });

  it('returns an image as image content, and refuses one that is too large', async () => {
    expect(await readFile(root, 'img/dot.png')).toEqual([
      { type: 'input_text', text: `img/dot.png (image/png, ${PNG.length} B):` },
      { type: 'input_image', image_url: `data:image/png;base64,${PNG.toString('base64')}` },
    ]);
    expect(await readFile(root, 'img/huge.png')).toEqual({ output: "error: 'img/huge.png' is larger than 512.0 KiB", success: false });
  });

  it('declares both tools with a strict, closed JSON Schema generated from their zod schema', () => {
    const parameters = { type: 'object', properties: { path: { type: 'string', description: 'Path relative to the repository root' } }, required: ['path'], additionalProperties: false };
    expect(new ToolRegistry(repositoryTools(root)).specs()).toEqual([
      { type: 'function', name: 'list_files', description: expect.any(String), parameters, strict: true },
      { type: 'function', name: 'read_file', description: expect.any(String), parameters, strict: true },
    ]);
  });

  it('refuses binary files and wrong kinds', async () => {
    expect(await readFile(root, 'image.bin')).toEqual({ output: "error: 'image.bin' is a binary file", success: false });
    expect(await readFile(root, 'docs')).toEqual({ output: "error: 'docs' is not a file", success: false });
    expect(await listFiles(root, 'README.md')).toEqual({ output: "error: 'README.md' is not a directory", success: false });
  });
});
