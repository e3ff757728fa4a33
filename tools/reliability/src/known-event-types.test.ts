// Every event type the real API sends counts as progress on a stream (so a stream of real
// events is never cut by the idle timeout), and nothing else does: checked against the recorded
// API streams and the official `openai` package's `ResponseStreamEvent` union.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { isKnownEventType } from '@modelwire/protocol';
import { describe, expect, it } from 'vitest';
import { loadConformanceRecordings } from './harness/conformance-recordings.ts';

/** The `type` literals of every member of `ResponseStreamEvent` in the installed `openai` package's declarations. */
function officialStreamEventTypes(): string[] {
  const path = join(dirname(createRequire(import.meta.url).resolve('openai')), 'resources/responses/responses.d.ts');
  const source = readFileSync(path, 'utf8');
  const union = /export type ResponseStreamEvent = ([^;]+);/.exec(source)?.[1] ?? '';
  return union.split('|').map((member) => {
    const body = new RegExp(`export interface ${member.trim()} \\{([\\s\\S]*?)\\n\\}`).exec(source)?.[1] ?? '';
    return /^ {4}type: '([^']+)';/m.exec(body)?.[1] ?? `(no type in ${member.trim()})`;
  });
}

describe('the event types that count as progress', () => {
  it('include every type of the official ResponseStreamEvent union', () => {
    const types = officialStreamEventTypes();
    expect(types.length).toBeGreaterThan(50);
    expect(types.filter((type) => !isKnownEventType(type))).toEqual([]);
  });

  it('include every type in the recorded API streams', () => {
    const recordings = loadConformanceRecordings();
    if (recordings === null) {
      console.log('conformance: skipped (no recordings)');
      return;
    }
    const types = new Set(recordings.flatMap((recording) => recording.lines.map((line) => line.event?.['type']).filter((type): type is string => typeof type === 'string')));
    expect(types.size).toBeGreaterThan(40);
    expect([...types].filter((type) => !isKnownEventType(type))).toEqual([]);
  });

  it('include the keepalive the API sends while a model works, and not a type nobody knows', () => {
    expect(isKnownEventType('keepalive')).toBe(true);
    for (const type of ['noise.unknown', 'response.made_up.event', '', 'toString', '__proto__', 'constructor']) expect(isKnownEventType(type), type).toBe(false);
  });
});
