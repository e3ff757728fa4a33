import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import type { Environment } from '@modelwire/transport';
import { providerFromPreset, providerPresets, type ProviderPresetId } from '../presets/provider-presets.js';
import { staticTokenAuth } from '../types/auth-provider.js';
import { formatDoctorReport } from './doctor-report.js';
import { runDoctor, type DoctorOptions } from './run-doctor.js';

/** Usage of `modelwire-doctor` (and `npm start -- doctor`). */
export const DOCTOR_HELP = `Usage: modelwire-doctor [options]

Checks the network path to a Responses API provider: DNS, TCP, the proxy (HTTPS_PROXY,
HTTP_PROXY, NO_PROXY), TLS (custom CA), the WebSocket upgrade (and that the socket stays
open after it), and one minimal HTTP request. Prints a table with a fix for each failure.
Exit code 0 when nothing failed, 1 otherwise, 2 for bad options. Secrets are never printed.

Options:
  --preset <id>        ${Object.keys(providerPresets).join(', ')} (default openai)
  --base-url <url>     base URL of the Responses API (default: the preset's)
  --resource <name>    Azure OpenAI resource name (for the azure-openai preset)
  --api-key-env <var>  environment variable holding the key (default: the preset's,
                       e.g. OPENAI_API_KEY); without a key the checks run unauthenticated
  --proxy <url>        proxy for both transports (default: HTTPS_PROXY / HTTP_PROXY)
  --no-proxy           connect directly, ignoring the proxy variables
  --ca <file>          extra trusted CA certificate(s), PEM (NODE_EXTRA_CA_CERTS also works)
  --model <slug>       model of the minimal request (default gpt-5-mini; Azure: deployment)
  --insecure           allow credentials over plain http to a non-loopback host
  --timeout-ms <ms>    limit of each check (default 10000)
  --json               print the report as JSON
  -h, --help           show this help
`;

/** A command-line mistake (exit code 2). */
export class DoctorUsageError extends Error {
  override get name(): string {
    return 'DoctorUsageError';
  }
}

/** The doctor's command line turned into {@link DoctorOptions}, or `'help'`. */
export function parseDoctorArguments(argv: readonly string[], environment: Environment): { options: DoctorOptions; json: boolean; keyVariable: string | null; keyFound: boolean } | 'help' {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        preset: { type: 'string' },
        'base-url': { type: 'string' },
        resource: { type: 'string' },
        'api-key-env': { type: 'string' },
        proxy: { type: 'string' },
        'no-proxy': { type: 'boolean' },
        ca: { type: 'string' },
        model: { type: 'string' },
        insecure: { type: 'boolean' },
        'timeout-ms': { type: 'string' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    }));
  } catch (error) {
    throw new DoctorUsageError(error instanceof Error ? error.message : String(error));
  }
  if (values.help === true) return 'help';
  const presetId = (values.preset ?? 'openai') as ProviderPresetId;
  const preset = (providerPresets as Partial<Record<string, (typeof providerPresets)[ProviderPresetId]>>)[presetId];
  if (preset === undefined) throw new DoctorUsageError(`unknown --preset ${presetId}; one of ${Object.keys(providerPresets).join(', ')}`);
  if (values.proxy !== undefined && values['no-proxy'] === true) throw new DoctorUsageError('--proxy and --no-proxy exclude each other');
  let ca: string | undefined;
  if (values.ca !== undefined) {
    try {
      ca = readFileSync(values.ca, 'utf8');
    } catch {
      throw new DoctorUsageError(`cannot read --ca ${values.ca}`);
    }
  }
  const timeoutMs = values['timeout-ms'] === undefined ? undefined : Number(values['timeout-ms']);
  if (timeoutMs !== undefined && (!Number.isInteger(timeoutMs) || timeoutMs <= 0)) throw new DoctorUsageError('--timeout-ms must be a positive integer');
  let provider;
  try {
    provider = providerFromPreset(presetId, {
      ...(values['base-url'] === undefined ? {} : { baseUrl: values['base-url'] }),
      ...(values.resource === undefined ? {} : { resource: values.resource }),
      ...(values.proxy === undefined ? {} : { proxy: values.proxy }),
      ...(values['no-proxy'] === true ? { proxy: false as const } : {}),
      ...(ca === undefined ? {} : { ca }),
      ...(values.insecure === true ? { allowInsecure: true } : {}),
    });
    new URL(provider.baseUrl);
  } catch (error) {
    throw new DoctorUsageError(error instanceof Error ? error.message : String(error));
  }
  const keyVariable = values['api-key-env'] ?? preset.apiKeyVariable;
  const key = keyVariable === null ? '' : (environment[keyVariable] ?? '');
  const options: DoctorOptions = {
    provider,
    environment,
    ...(key === '' ? {} : { auth: staticTokenAuth(key) }),
    ...(values.model === undefined ? {} : { model: values.model }),
    ...(timeoutMs === undefined ? {} : { timeoutMs }),
  };
  return { options, json: values.json === true, keyVariable, keyFound: key !== '' };
}

/** Where the doctor writes. */
export interface DoctorOutput {
  out(text: string): void;
  err(text: string): void;
}

/**
 * Runs the doctor from a command line: parses `argv`, runs the checks, prints the table (or
 * JSON) and returns the exit code (0 healthy, 1 a check failed, 2 bad options).
 */
export async function runDoctorCli(argv: readonly string[], environment: Environment, output: DoctorOutput): Promise<number> {
  let parsed;
  try {
    parsed = parseDoctorArguments(argv, environment);
  } catch (error) {
    if (error instanceof DoctorUsageError) {
      output.err(`modelwire-doctor: ${error.message}\nRun with --help for the options.\n`);
      return 2;
    }
    throw error;
  }
  if (parsed === 'help') {
    output.out(DOCTOR_HELP);
    return 0;
  }
  const report = await runDoctor(parsed.options);
  if (parsed.json) output.out(`${JSON.stringify(report, null, 2)}\n`);
  else {
    const note = parsed.keyFound || parsed.keyVariable === null ? '' : `note: ${parsed.keyVariable} is not set; the upgrade and the request go without credentials\n`;
    output.out(`${note}${formatDoctorReport(report)}`);
  }
  return report.healthy ? 0 : 1;
}
