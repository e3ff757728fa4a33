// Prints one line that changes whenever `../shared/conformance` (beside the repository) appears,
// disappears or changes: a SHA-256 over every file's path and bytes, or `absent`.
// Nx hashes it (the named input `conformanceRecordings` in nx.json) into the test targets that
// replay the recordings, so that a cached run made without them (a clone in a temporary folder)
// is never replayed for a clone that has them beside it, and the other way round. Plain
// JavaScript: Nx may run it on any Node.
import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join, relative } from 'node:path';

const workspaceRoot = join(import.meta.dirname, '..', '..', '..');
const folder = join(workspaceRoot, '..', 'shared', 'conformance');

function files(directory) {
  return readdirSync(directory)
    .sort()
    .flatMap((name) => {
      const path = join(directory, name);
      return statSync(path).isDirectory() ? files(path) : [path];
    });
}

if (!existsSync(folder) || !statSync(folder).isDirectory()) {
  process.stdout.write('absent\n');
} else {
  const hash = createHash('sha256');
  for (const path of files(folder)) {
    hash.update(`${relative(folder, path)}\0`);
    hash.update(readFileSync(path));
    hash.update('\0');
  }
  process.stdout.write(`${hash.digest('hex')}\n`);
}
