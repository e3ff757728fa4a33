/** The result of one doctor check: `ok`, `warn` (works, with a caveat), `fail`, or `skip` (not run, or not applicable). */
export type DoctorStatus = 'ok' | 'warn' | 'fail' | 'skip';

/** The checks, in the order they run. */
export type DoctorCheckId = 'dns' | 'tcp' | 'proxy' | 'tls' | 'websocket' | 'http';

/** One row of the doctor's table. */
export interface DoctorCheck {
  readonly id: DoctorCheckId;
  /** Column title: `DNS`, `TCP`, `Proxy`, `TLS`, `WebSocket`, `HTTP`. */
  readonly title: string;
  readonly status: DoctorStatus;
  /** What was seen, in one line. Never a secret (keys, tokens and proxy credentials are redacted). */
  readonly detail: string;
  /** What to do about a `fail` or a `warn`; `null` otherwise. */
  readonly fix: string | null;
}

/** Everything the doctor found. */
export interface DoctorReport {
  /** The provider's base URL (without credentials or query). */
  readonly baseUrl: string;
  /** The provider's name. */
  readonly provider: string;
  /** How the base URL is reached: `direct (…reason)` or `via proxy host:port (source)`. */
  readonly route: string;
  readonly checks: readonly DoctorCheck[];
  /** True when no check failed. */
  readonly healthy: boolean;
}

const SHOWN_STATUS: Readonly<Record<DoctorStatus, string>> = { ok: 'ok', warn: 'warn', fail: 'FAIL', skip: 'skip' };

/** The report as a plain-text table followed by the fix of each failure or warning. */
export function formatDoctorReport(report: DoctorReport): string {
  const lines = [`Modelwire doctor: ${report.provider} at ${report.baseUrl}`, `route: ${report.route}`, ''];
  const titleWidth = Math.max(5, ...report.checks.map((check) => check.title.length));
  lines.push(`${'check'.padEnd(titleWidth)}  result  detail`);
  for (const check of report.checks) lines.push(`${check.title.padEnd(titleWidth)}  ${SHOWN_STATUS[check.status].padEnd(6)}  ${check.detail}`);
  const fixes = report.checks.filter((check) => check.fix !== null);
  if (fixes.length > 0) {
    lines.push('', 'How to fix:');
    for (const check of fixes) lines.push(`- ${check.title}: ${check.fix ?? ''}`);
  }
  lines.push('', report.healthy ? 'No failure found.' : `${report.checks.filter((check) => check.status === 'fail').length} check(s) failed.`);
  return `${lines.join('\n')}\n`;
}
