// `npm start -- doctor [options]`: the doctor of @modelwire/client (the same as the
// `modelwire-doctor` bin). Without OPENAI_API_KEY and without --base-url or --preset it checks
// the embedded loopback server, so the command shows its table on any machine; with the key
// it checks the real provider (OPENAI_BASE_URL, default https://api.openai.com/v1).
import { runDoctorCli, type DoctorOutput } from '@modelwire/client';
import { startResponsesServer } from '@modelwire/testing';

/** Runs the doctor; resolves with the exit code (0 healthy, 1 a check failed, 2 bad options). */
export async function runDoctorCommand(argv: readonly string[], env: NodeJS.ProcessEnv, output: DoctorOutput): Promise<number> {
  const targeted = argv.some((argument) => /^--(base-url|preset)(=|$)/.test(argument)) || argv.includes('--help') || argv.includes('-h');
  if (targeted) return runDoctorCli(argv, env, output);
  if ((env['OPENAI_API_KEY'] ?? '') !== '') {
    const baseUrl = env['OPENAI_BASE_URL'];
    return runDoctorCli(baseUrl === undefined || baseUrl === '' ? argv : ['--base-url', baseUrl, ...argv], env, output);
  }
  const server = await startResponsesServer();
  try {
    output.out('No OPENAI_API_KEY: checking the embedded loopback server (set the key, or pass --base-url, to check a real provider).\n');
    return await runDoctorCli(['--base-url', server.url, ...argv], { ...env, OPENAI_API_KEY: 'loopback-key' }, output);
  } finally {
    await server.close();
  }
}
