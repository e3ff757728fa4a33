import { describe, expect, it } from 'vitest';
import { runDoctorCommand } from './run-doctor-command.ts';

function capture(): { text: () => string; output: { out(text: string): void; err(text: string): void } } {
  const chunks: string[] = [];
  return { text: () => chunks.join(''), output: { out: (text) => chunks.push(text), err: (text) => chunks.push(text) } };
}

describe('npm start -- doctor', () => {
  it('checks the embedded loopback server when no key is set, and every check passes', async () => {
    const { text, output } = capture();
    expect(await runDoctorCommand([], {}, output)).toBe(0);
    expect(text()).toContain('No OPENAI_API_KEY: checking the embedded loopback server');
    for (const row of [/^DNS\s+ok/m, /^TCP\s+ok/m, /^Proxy\s+ok\s+no proxy configured$/m, /^WebSocket\s+ok/m, /^HTTP\s+ok/m]) expect(text()).toMatch(row);
    expect(text()).not.toContain('loopback-key');
  });

  it('passes --help and targeted runs to the doctor itself', async () => {
    const { text, output } = capture();
    expect(await runDoctorCommand(['--help'], {}, output)).toBe(0);
    expect(text()).toContain('Usage: modelwire-doctor');
    const bad = capture();
    expect(await runDoctorCommand(['--preset', 'unknown'], {}, bad.output)).toBe(2);
  });
});
