// `npm start`: the demo agent session. Parses the flags (bad ones: message on stderr, exit 2),
// builds the packages if needed, then runs the session (loopback unless OPENAI_API_KEY is set).
// `npm start -- doctor [options]` runs the network doctor instead.
import { HELP_TEXT, parseDemoOptions, UsageError, type DemoOptions } from './cli-options.ts';
import { ensurePackagesBuilt } from '@modelwire/checks/ensure-built';
import { WEBSOCKET_ONLY_FAULTS } from './fault-catalog.ts';

function usage(message: string): never {
  process.stderr.write(`demo: ${message}\nRun 'npm start -- --help' for the options.\n`);
  process.exit(2);
}

/** Builds the packages the demo imports (cached by Nx); exit code 1 when that fails. */
function buildPackagesOrExit(): void {
  try {
    ensurePackagesBuilt();
  } catch (error) {
    process.stderr.write(`demo: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  }
}

if (process.argv[2] === 'doctor') {
  buildPackagesOrExit();
  const { runDoctorCommand } = await import('./run-doctor-command.ts');
  process.exitCode = await runDoctorCommand(process.argv.slice(3), process.env, {
    out: (text) => process.stdout.write(text),
    err: (text) => process.stderr.write(text),
  });
  process.exit();
}

let options: DemoOptions;
try {
  options = parseDemoOptions(process.argv.slice(2));
} catch (error) {
  if (error instanceof UsageError) usage(error.message);
  throw error;
}
if (options.help) {
  process.stdout.write(HELP_TEXT);
  process.exit(0);
}
const real = (process.env['OPENAI_API_KEY'] ?? '') !== '';
if (options.fault !== null && real) usage('--fault works only against the loopback server (unset OPENAI_API_KEY)');
if (options.fault !== null && options.http && WEBSOCKET_ONLY_FAULTS.has(options.fault)) usage(`--fault ${options.fault} needs the WebSocket path; drop --http`);

buildPackagesOrExit();

const { Terminal } = await import('./terminal.ts');
const terminal = new Terminal(process.stdout, process.stderr, process.env, [process.env['OPENAI_API_KEY'] ?? '']);
try {
  const sdk = options.sdk;
  if (sdk === null) {
    const { runDemo } = await import('./run-demo.ts');
    process.exitCode = await runDemo(options, terminal, process.env);
  } else {
    const { runSdkDemo } = await import('./run-sdk-demo.ts');
    process.exitCode = await runSdkDemo(sdk, options, terminal, process.env);
  }
} catch (error) {
  terminal.error(`demo: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
}
