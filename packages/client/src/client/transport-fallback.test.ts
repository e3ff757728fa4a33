import { describe, expect, it } from 'vitest';
import { noopClientTelemetry, type TransportFallbackRecord } from '../telemetry/client-telemetry.js';
import { TransportFallback } from './transport-fallback.js';

describe('TransportFallback', () => {
  it('flips once and reports once', () => {
    const reports: TransportFallbackRecord[] = [];
    const telemetry = { ...noopClientTelemetry, onTransportFallback: (record: TransportFallbackRecord) => reports.push(record) };
    const fallback = new TransportFallback();
    const heard: string[] = [];
    fallback.onActivate((reason) => heard.push(reason));
    expect(fallback.isActive).toBe(false);
    expect(fallback.activate('upgrade_required', telemetry)).toBe(true);
    expect(fallback.activate('retries_exhausted', telemetry)).toBe(false);
    expect(fallback.isActive).toBe(true);
    expect(fallback.reason).toBe('upgrade_required');
    expect(reports).toEqual([{ from: 'responses_websocket', to: 'responses_http', reason: 'upgrade_required' }]);
    expect(heard).toEqual(['upgrade_required']);
  });
});
