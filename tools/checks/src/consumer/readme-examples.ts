// The TypeScript blocks (```ts) of every README of the workspace's published packages and of
// the root README: each is a complete module a newcomer can paste into a fresh project.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export interface ReadmeExample {
  /** README path relative to the workspace root. */
  readme: string;
  /** Line of the block's first code line in the README (1-based). */
  line: number;
  /** File name the example is written to in the consumer project. */
  fileName: string;
  code: string;
  /**
   * Whether the consumer test runs it: blocks that start a loopback server from
   * `@modelwire/testing` are complete programs that need no network; the others (a real
   * provider, an API key) are only type-checked.
   */
  runnable: boolean;
}

export function readmeExamples(workspaceRoot: string, readmes: readonly string[]): ReadmeExample[] {
  const examples: ReadmeExample[] = [];
  for (const readme of readmes) {
    const lines = readFileSync(join(workspaceRoot, readme), 'utf8').split('\n');
    let start = -1;
    let count = 0;
    for (let index = 0; index < lines.length; index += 1) {
      const line = lines[index]!;
      if (start < 0 && /^```(ts|typescript)\s*$/.test(line)) start = index + 1;
      else if (start >= 0 && /^```\s*$/.test(line)) {
        const code = lines.slice(start, index).join('\n');
        count += 1;
        const stem = readme.replace(/\/?README\.md$/, '').replace(/[^a-z0-9]+/gi, '-') || 'root';
        examples.push({
          readme,
          line: start + 1,
          fileName: `${stem}-${count}.ts`,
          code,
          runnable: /from '@modelwire\/testing'/.test(code),
        });
        start = -1;
      }
    }
  }
  return examples;
}
