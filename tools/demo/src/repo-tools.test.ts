import { mkdtemp, mkdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { listFiles, MAX_READ_BYTES, readFile } from './repo-tools.ts';

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
    expect(output).toBe('.:\nf big.txt  16.1 KiB\nd docs/\nf image.bin  4 B\nf README.md  16 B');
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
    const result = await readFile(root, path);
    expect(result).toMatchObject({ success: false });
    expect(typeof result === 'object' && result.output).toMatch(message);
  });

  it('refuses binary files and wrong kinds', async () => {
    expect(await readFile(root, 'image.bin')).toEqual({ output: "error: 'image.bin' is a binary file", success: false });
    expect(await readFile(root, 'docs')).toEqual({ output: "error: 'docs' is not a file", success: false });
    expect(await listFiles(root, 'README.md')).toEqual({ output: "error: 'README.md' is not a directory", success: false });
  });
});
