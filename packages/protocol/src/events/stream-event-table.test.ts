// The README's event table is the coverage table, row for row: a change to one without the
// other fails here (the expected table is printed, ready to paste).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { STREAM_EVENT_COVERAGE, type StreamEventHandling } from './stream-event-coverage.js';

const BEGIN = '<!-- stream-event-table:begin -->';
const END = '<!-- stream-event-table:end -->';

function row(type: string, handling: StreamEventHandling): string {
  if ('internal' in handling) return `| \`${type}\` | internal: ${handling.internal} |`;
  const events = handling.events.map((event) => `\`${event}\``).join(', ');
  return `| \`${type}\` | ${events}${handling.note === undefined ? '' : ` (${handling.note})`} |`;
}

function expectedTable(): string {
  const rows = Object.entries(STREAM_EVENT_COVERAGE).map(([type, handling]) => row(type, handling as StreamEventHandling));
  return ['| stream event `type` | what `ResponseStream` yields (`ResponseEvent` `type`) |', '|---|---|', ...rows].join('\n');
}

describe('the README event table', () => {
  it('lists every stream event type with its ResponseEvent, as STREAM_EVENT_COVERAGE says', () => {
    const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
    const start = readme.indexOf(BEGIN);
    const end = readme.indexOf(END);
    expect(start, `README.md needs ${BEGIN} … ${END}`).toBeGreaterThanOrEqual(0);
    const table = readme.slice(start + BEGIN.length, end).trim();
    expect(table, `expected table:\n${expectedTable()}`).toBe(expectedTable());
  });
});
