// Draws the report's chart as a standalone SVG (text, no dependencies): on the left the bytes
// each request uploads over a long tool loop, full resend against continuation; on the right
// the first-event latency of a turn with a warm socket, with pre-connect and without, as
// medians with min–max whiskers; below, the client CPU per event of every end-to-end contender
// (server in a child process) in each arrival pattern.
import { median } from '../shared/measure.ts';
import type { ChartData } from './report-types.ts';

const WIDTH = 980;
const HEIGHT = 800;
const COLOURS = { full: '#d1495b', continuation: '#00798c', bars: ['#6c757d', '#00798c', '#d1495b'], axis: '#444', grid: '#e3e3e3', text: '#222' };

function escapeXml(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** A round step for about `count` ticks up to `max`. */
export function niceStep(max: number, count = 5): number {
  if (!(max > 0)) return 1;
  const raw = max / count;
  const power = 10 ** Math.floor(Math.log10(raw));
  for (const factor of [1, 2, 2.5, 5, 10]) if (raw <= factor * power) return factor * power;
  return 10 * power;
}

function text(x: number, y: number, content: string, options: { anchor?: 'start' | 'middle' | 'end'; size?: number; weight?: string; rotate?: boolean; fill?: string } = {}): string {
  const transform = options.rotate ? ` transform="rotate(-90 ${x} ${y})"` : '';
  return `<text x="${x.toFixed(1)}" y="${y.toFixed(1)}" font-size="${options.size ?? 12}" text-anchor="${options.anchor ?? 'start'}"${options.weight ? ` font-weight="${options.weight}"` : ''} fill="${options.fill ?? COLOURS.text}"${transform}>${escapeXml(content)}</text>`;
}

interface Box {
  x: number;
  y: number;
  width: number;
  height: number;
}

function yAxis(box: Box, max: number, format: (value: number) => string, label: string): { parts: string[]; scale: (value: number) => number; top: number } {
  const step = niceStep(max);
  const top = Math.max(step, Math.ceil(max / step) * step);
  const scale = (value: number): number => box.y + box.height - (value / top) * box.height;
  const parts: string[] = [];
  for (let value = 0; value <= top + step / 2; value += step) {
    const y = scale(value);
    parts.push(`<line x1="${box.x}" y1="${y.toFixed(1)}" x2="${box.x + box.width}" y2="${y.toFixed(1)}" stroke="${COLOURS.grid}"/>`);
    parts.push(text(box.x - 6, y + 4, format(value), { anchor: 'end', size: 11 }));
  }
  parts.push(`<line x1="${box.x}" y1="${box.y}" x2="${box.x}" y2="${box.y + box.height}" stroke="${COLOURS.axis}"/>`);
  parts.push(`<line x1="${box.x}" y1="${box.y + box.height}" x2="${box.x + box.width}" y2="${box.y + box.height}" stroke="${COLOURS.axis}"/>`);
  parts.push(text(box.x - 48, box.y + box.height / 2, label, { anchor: 'middle', size: 12, rotate: true }));
  return { parts, scale, top };
}

function bytesPanel(box: Box, series: NonNullable<ChartData['bytesPerRequest']>): string[] {
  const parts = [text(box.x, box.y - 22, 'Bytes sent per request over one tool loop', { size: 14, weight: 'bold' })];
  const count = Math.max(series.fullResend.length, series.continuation.length);
  const max = Math.max(...series.fullResend, ...series.continuation, 1) / 1024;
  const axis = yAxis(box, max, (value) => `${value % 1 === 0 ? value.toFixed(0) : value.toFixed(1)}`, 'KiB per request');
  parts.push(...axis.parts);
  const x = (index: number): number => box.x + (count <= 1 ? 0 : (index / (count - 1)) * box.width);
  const xStep = niceStep(count, 6);
  for (let request = xStep; request <= count; request += xStep) {
    parts.push(text(x(request - 1), box.y + box.height + 16, String(request), { anchor: 'middle', size: 11 }));
  }
  parts.push(text(x(0), box.y + box.height + 16, '1', { anchor: 'middle', size: 11 }));
  parts.push(text(box.x + box.width / 2, box.y + box.height + 34, 'request number in the turn', { anchor: 'middle' }));
  const line = (values: readonly number[], colour: string): string =>
    `<polyline fill="none" stroke="${colour}" stroke-width="2.5" points="${values.map((value, index) => `${x(index).toFixed(1)},${axis.scale(value / 1024).toFixed(1)}`).join(' ')}"/>`;
  parts.push(line(series.fullResend, COLOURS.full), line(series.continuation, COLOURS.continuation));
  const total = (values: readonly number[]): number => values.reduce((sum, value) => sum + value, 0) / 1024;
  const legendY = box.y + 8;
  parts.push(`<rect x="${box.x + 12}" y="${legendY - 9}" width="14" height="4" fill="${COLOURS.full}"/>`);
  parts.push(text(box.x + 32, legendY - 3, `full resend, HTTP (${total(series.fullResend).toFixed(0)} KiB in all)`, { size: 12 }));
  parts.push(`<rect x="${box.x + 12}" y="${legendY + 9}" width="14" height="4" fill="${COLOURS.continuation}"/>`);
  parts.push(text(box.x + 32, legendY + 15, `continuation, WebSocket (${total(series.continuation).toFixed(0)} KiB in all)`, { size: 12 }));
  return parts;
}

function latencyPanel(box: Box, contenders: NonNullable<ChartData['firstEventLatency']>): string[] {
  const parts = [text(box.x, box.y - 22, 'First event of a turn (median, min–max)', { size: 14, weight: 'bold' })];
  const max = Math.max(...contenders.flatMap((contender) => contender.roundsMs), 1);
  const axis = yAxis(box, max, (value) => value.toFixed(0), 'milliseconds');
  parts.push(...axis.parts);
  const slot = box.width / Math.max(contenders.length, 1);
  for (const [index, contender] of contenders.entries()) {
    const centre = box.x + slot * index + slot / 2;
    const barWidth = Math.min(56, slot * 0.55);
    const value = median(contender.roundsMs);
    const colour = COLOURS.bars[index % COLOURS.bars.length]!;
    const top = axis.scale(value);
    parts.push(`<rect x="${(centre - barWidth / 2).toFixed(1)}" y="${top.toFixed(1)}" width="${barWidth.toFixed(1)}" height="${(box.y + box.height - top).toFixed(1)}" fill="${colour}" opacity="0.85"/>`);
    const low = axis.scale(Math.min(...contender.roundsMs));
    const high = axis.scale(Math.max(...contender.roundsMs));
    parts.push(`<line x1="${centre.toFixed(1)}" y1="${low.toFixed(1)}" x2="${centre.toFixed(1)}" y2="${high.toFixed(1)}" stroke="${COLOURS.axis}" stroke-width="1.5"/>`);
    for (const y of [low, high]) parts.push(`<line x1="${(centre - 8).toFixed(1)}" y1="${y.toFixed(1)}" x2="${(centre + 8).toFixed(1)}" y2="${y.toFixed(1)}" stroke="${COLOURS.axis}" stroke-width="1.5"/>`);
    // Above the bar and its whisker, so that the label never crosses either.
    parts.push(text(centre, Math.min(top, high) - 6, `${value.toFixed(1)} ms`, { anchor: 'middle', size: 11, weight: 'bold' }));
    const words = contender.name.replace(/\s*\(.*\)$/, '');
    const detail = /\((.*)\)$/.exec(contender.name)?.[1];
    parts.push(text(centre, box.y + box.height + 16, words, { anchor: 'middle', size: 11 }));
    if (detail) parts.push(text(centre, box.y + box.height + 30, detail, { anchor: 'middle', size: 10, fill: '#666' }));
  }
  return parts;
}

const E2E_COLOURS: Record<string, string> = {
  'openai-node responses.create (SSE)': '#adb5bd',
  'AI SDK streamText (HTTP/SSE)': '#e9c46a',
  'modelwire ModelClient (HTTP/SSE)': '#00798c',
  'openai-node ResponsesWS': '#6c757d',
  'raw ws + JSON.parse (floor)': '#d8d8d8',
  'lean reader + JSON.parse (floor)': '#ececec',
  'modelwire ModelClient (WebSocket)': '#005f73',
};

function endToEndPanel(box: Box, groups: NonNullable<ChartData['endToEnd']>): string[] {
  const parts = [text(box.x, box.y - 22, 'Client CPU per event, server in a child process (median round; lower is better)', { size: 14, weight: 'bold' })];
  const max = Math.max(...groups.flatMap((group) => group.contenders.map((contender) => contender.cpuUsPerEvent)), 0.1);
  const axis = yAxis(box, max, (value) => (value >= 10 ? value.toFixed(0) : value.toFixed(1)), 'µs CPU per event');
  parts.push(...axis.parts);
  const legendWidth = 240;
  const plotWidth = box.width - legendWidth;
  const slot = plotWidth / Math.max(groups.length, 1);
  for (const [groupIndex, group] of groups.entries()) {
    const bars = group.contenders.length;
    const barWidth = Math.min(30, (slot * 0.8) / Math.max(bars, 1));
    const start = box.x + slot * groupIndex + (slot - barWidth * bars) / 2;
    for (const [index, contender] of group.contenders.entries()) {
      const x = start + index * barWidth;
      const top = axis.scale(contender.cpuUsPerEvent);
      parts.push(`<rect x="${x.toFixed(1)}" y="${top.toFixed(1)}" width="${(barWidth - 3).toFixed(1)}" height="${(box.y + box.height - top).toFixed(1)}" fill="${E2E_COLOURS[contender.name] ?? COLOURS.bars[index % COLOURS.bars.length]!}"/>`);
      parts.push(text(x + (barWidth - 3) / 2, top - 4, contender.cpuUsPerEvent.toFixed(1), { anchor: 'middle', size: 9 }));
    }
    parts.push(text(box.x + slot * groupIndex + slot / 2, box.y + box.height + 18, group.pattern === 'burst' ? 'one write per response' : group.pattern === 'per-event' ? 'one write per event' : 'one event per ms (paced)', { anchor: 'middle', size: 12 }));
  }
  const names = groups[0]?.contenders.map((contender) => contender.name) ?? [];
  for (const [index, name] of names.entries()) {
    const y = box.y + 10 + index * 20;
    parts.push(`<rect x="${box.x + plotWidth + 16}" y="${y - 9}" width="12" height="12" fill="${E2E_COLOURS[name] ?? COLOURS.bars[index % COLOURS.bars.length]!}"/>`);
    parts.push(text(box.x + plotWidth + 34, y + 1, name, { size: 11 }));
  }
  return parts;
}

/** The chart as SVG text. Panels without data show a note instead. */
export function renderChart(data: ChartData, subtitle: string): string {
  const left: Box = { x: 80, y: 70, width: 380, height: 270 };
  const right: Box = { x: 620, y: 70, width: 320, height: 270 };
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${WIDTH}" height="${HEIGHT}" viewBox="0 0 ${WIDTH} ${HEIGHT}" font-family="-apple-system, 'Segoe UI', Helvetica, Arial, sans-serif">`,
    `<rect width="${WIDTH}" height="${HEIGHT}" fill="#ffffff"/>`,
    text(WIDTH / 2, HEIGHT - 12, subtitle, { anchor: 'middle', size: 11, fill: '#666' }),
  ];
  parts.push(...(data.bytesPerRequest === null ? [text(left.x, left.y + 40, 'bytes per request: not measured in this run')] : bytesPanel(left, data.bytesPerRequest)));
  parts.push(...(data.firstEventLatency === null ? [text(right.x, right.y + 40, 'first-event latency: not measured in this run')] : latencyPanel(right, data.firstEventLatency)));
  const bottom: Box = { x: 80, y: 470, width: 860, height: 260 };
  parts.push(...(data.endToEnd === null ? [text(bottom.x, bottom.y + 40, 'end to end: not measured in this run')] : endToEndPanel(bottom, data.endToEnd)));
  parts.push('</svg>');
  return `${parts.join('\n')}\n`;
}
