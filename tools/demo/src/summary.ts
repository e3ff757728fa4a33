// The end-of-session summary: one row per request (transport, socket, continuation, bytes sent
// against a full resend, outcome) and the totals that show what the session-scoped client
// saved. Pure formatting; the rows come from the loopback recording or from client telemetry.

/** One request as the summary shows it. */
export interface SummaryRow {
  /** 1-based request number in the session. */
  readonly request: number;
  /** 1-based turn number. */
  readonly turn: number;
  readonly transport: 'WebSocket' | 'HTTP' | '?';
  /** How the request got its connection, e.g. `pre-connected #1`, `reused #1`, `new #2`. */
  readonly connection: string;
  /** `full`, `full (reason)` or `incremental +N items`. */
  readonly mode: string;
  /** Request bytes sent; `null` when not measured. */
  readonly bytes: number | null;
  /** Bytes a full resend of the same request would have sent; `null` when not measured. */
  readonly fullBytes: number | null;
  /** `completed`, or what ended it (an error code, `cut`, …). */
  readonly outcome: string;
  /** The WebSocket lane (`stream_id`) the request ran on; `null` for the default lane (none sent) and HTTP. */
  readonly lane?: string | null;
}

/** Totals of the session. */
export interface SummaryTotals {
  /** Handshake milliseconds the first request did not wait for thanks to pre-connect; `null` without pre-connect. */
  readonly preconnectSavedMs: number | null;
  /** Full handshake time of the pre-connect, in milliseconds; `null` without one. */
  readonly preconnectHandshakeMs: number | null;
  /** Whether the pre-connect's handshake failed (refused or timed out). */
  readonly preconnectFailed: boolean;
  /** Stream-phase retries (re-streams by the turn loop) and request-phase retries (by the client). */
  readonly streamRetries: number;
  readonly requestRetries: number;
  /** Fallback reasons (at most one per session). */
  readonly fallbacks: readonly string[];
  /** WebSocket handshakes that opened a socket in the whole session; `null` on HTTP only. */
  readonly handshakes?: number | null;
  /** Requests that replayed the turn's sticky-routing token, and contract violations (loopback only). */
  readonly sticky: { readonly replayed: number; readonly violations: number } | null;
}

export function formatBytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  return `${(bytes / 1024).toFixed(1)} KiB`;
}

function table(header: readonly string[], rows: readonly (readonly string[])[], rightAligned: ReadonlySet<number>): string {
  const widths = header.map((title, column) => Math.max(title.length, ...rows.map((row) => (row[column] ?? '').length)));
  const line = (cells: readonly string[]): string =>
    cells.map((cell, column) => (rightAligned.has(column) ? cell.padStart(widths[column]!) : cell.padEnd(widths[column]!))).join('  ').trimEnd();
  return [line(header), widths.map((width) => '─'.repeat(width)).join('  '), ...rows.map(line)].join('\n');
}

/** Renders the summary as plain text (no colours), ending with a newline. */
export function formatSummary(rows: readonly SummaryRow[], totals: SummaryTotals): string {
  const body = rows.map((row) => [
    String(row.request),
    String(row.turn),
    row.transport,
    row.connection,
    row.mode,
    row.bytes === null ? '–' : formatBytes(row.bytes),
    row.fullBytes === null ? '–' : formatBytes(row.fullBytes),
    row.outcome,
  ]);
  // The lane column shows only when a request ran on a named lane (sub-agents, concurrent turns).
  const lanes = rows.some((row) => typeof row.lane === 'string');
  if (lanes) body.forEach((cells, index) => cells.push(rows[index]!.lane ?? (rows[index]!.transport === 'WebSocket' ? 'default' : '–')));
  const header = ['#', 'turn', 'transport', 'connection', 'request', 'sent', 'full resend', 'outcome', ...(lanes ? ['lane (stream_id)'] : [])];
  const out = [table(header, body, new Set([0, 1, 5, 6]))];
  const measured = rows.filter((row) => row.bytes !== null && row.fullBytes !== null);
  const sent = measured.reduce((sum, row) => sum + row.bytes!, 0);
  const full = measured.reduce((sum, row) => sum + row.fullBytes!, 0);
  out.push('');
  if (totals.preconnectHandshakeMs === null) out.push('pre-connect       none (HTTP/SSE)');
  else if (totals.preconnectFailed) out.push(`pre-connect       failed after ${totals.preconnectHandshakeMs.toFixed(0)} ms (not an error: the first request went its own way)`);
  else out.push(`pre-connect       handshake of ${totals.preconnectHandshakeMs.toFixed(0)} ms; ${(totals.preconnectSavedMs ?? 0).toFixed(0)} ms of it off the first request's path`);
  if (measured.length === 0) out.push('bytes sent        not measured on this path');
  else out.push(`bytes sent        ${formatBytes(sent)} vs ${formatBytes(full)} for full resends${sent > 0 && full > sent ? ` (${(full / sent).toFixed(1)}× less)` : ''}${measured.length < rows.length ? ` over ${measured.length} of ${rows.length} requests` : ''}`);
  if (totals.handshakes !== undefined && totals.handshakes !== null) {
    const named = [...new Set(rows.map((row) => row.lane).filter((lane): lane is string => typeof lane === 'string'))].sort();
    const shared = named.length === 0 ? '' : `, shared by the lanes ${['default', ...named].join(', ')}`;
    out.push(totals.handshakes === 1 ? `handshakes        1: one WebSocket for the whole session${shared}` : `handshakes        ${totals.handshakes} WebSocket handshakes${named.length === 0 ? '' : `; lanes ${named.join(', ')}`}`);
  }
  out.push(`retries           ${totals.streamRetries} stream, ${totals.requestRetries} request phase`);
  out.push(`fallbacks         ${totals.fallbacks.length === 0 ? 'none' : totals.fallbacks.map((reason) => `to HTTP (${reason})`).join(', ')}`);
  if (totals.sticky !== null) out.push(`sticky routing    token replayed on ${totals.sticky.replayed} request${totals.sticky.replayed === 1 ? '' : 's'}, ${totals.sticky.violations} violation${totals.sticky.violations === 1 ? '' : 's'}`);
  return `${out.join('\n')}\n`;
}
