// Command-line options of the demo: parsed with node:util parseArgs, validated, and turned into
// a plain value. Bad flags become a `UsageError` (exit code 2 in main.ts).
import { parseArgs } from 'node:util';
import { FAULT_DESCRIPTIONS, FAULT_NAMES, type FaultName } from './fault-catalog.ts';

/** The SDKs `--sdk` runs the session through. */
export const SDK_NAMES = ['openai', 'ai-sdk', 'agents'] as const;
export type SdkName = (typeof SDK_NAMES)[number];

/** What the demo was asked to do. */
export interface DemoOptions {
  /** Run the session through this SDK (and `@modelwire/fetch` or, for the AI SDK, `@modelwire/ai-sdk`) instead of `@modelwire/core-session`; `null` for core-session. */
  readonly sdk: SdkName | null;
  /** Force HTTP/SSE (no WebSocket, no pre-connect). */
  readonly http: boolean;
  /** Loopback fault to inject once; `null` for none. */
  readonly fault: FaultName | null;
  /** Prompts, one turn each. Default: the built-in tour of this repository. */
  readonly prompts: readonly string[];
  /** Model slug; `null` for the mode's default (or, with `resume`, the stored model). */
  readonly model: string | null;
  /** A journal file (`rollout-….jsonl`) of an earlier demo session to continue; `null` for a new session. */
  readonly resume: string | null;
  /** Where a new session is journaled; `null` for a new temporary directory. */
  readonly journalDirectory: string | null;
  /**
   * User input to steer the first turn with while its answer streams (`session.steer`); `null`
   * for none.
   */
  readonly steer: string | null;
  /**
   * Sub-agents to spawn after the prompts' turns (`session.spawnSubagent`), each with a short
   * task of its own, their turns run concurrently on the session's client; 0 for none.
   */
  readonly subagents: number;
  /** Print the help text and exit. */
  readonly help: boolean;
}

/** A command-line mistake: printed on stderr, exit code 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The turns of the default tour: two that use the tools, one that does not. */
export const DEFAULT_PROMPTS: readonly string[] = [
  'What is this repository? Look at its top-level files and read the README.',
  'Now look inside packages/client and tell me what it is for.',
  'Thanks. Sum it up in one sentence.',
];

/** The most sub-agents `--subagents` spawns (one per task of {@link SUBAGENT_FOLDERS}). */
export const MAX_SUBAGENTS = 8;

/** What the sub-agents look at, one folder each, in this order. */
export const SUBAGENT_FOLDERS: readonly string[] = [
  'packages/transport',
  'packages/protocol',
  'packages/client',
  'packages/core-session',
  'packages/testing',
  'packages/fetch',
  'packages/otel',
  'packages/errors',
];

/** The task of the sub-agent that looks at `folder`. */
export function subagentTask(folder: string): string {
  return `Look inside ${folder} and read its README.`;
}

/** The turn of a resumed session when no --prompt is given. */
export const DEFAULT_RESUME_PROMPTS: readonly string[] = ['Thanks. What have we seen so far? Sum it up in one sentence.'];

export const HELP_TEXT = `Usage: npm start -- [options]

Runs a short agent session through @modelwire/core-session: the model lists and reads files of
this repository with two read-only tools, over one session-scoped ModelClient.

Without OPENAI_API_KEY the session talks to an embedded loopback Responses server (no key, no
network). With OPENAI_API_KEY set it talks to the real provider (OPENAI_BASE_URL, default
https://api.openai.com/v1).

\`npm start -- doctor [options]\` checks the network path instead (DNS, TCP, proxy, TLS, the
WebSocket upgrade, one HTTP request): the embedded loopback server without OPENAI_API_KEY,
the real provider with it; \`npm start -- doctor --help\` lists its options.

Every session is journaled (a JSONL rollout file, one line per committed item); the demo
prints where, and --resume continues it: the history comes back from the file and the first
request of the resumed session is a full one.

Options:
  --sdk <name>       run the session through an SDK people already use, with Modelwire
                     underneath: openai (the openai package, through @modelwire/fetch),
                     ai-sdk (the AI SDK, on the @modelwire/ai-sdk provider) or agents
                     (@openai/agents, on @modelwire/agents); the SDK runs the tool
                     loops (not with --resume)
  --http             use HTTP/SSE only (no WebSocket, no pre-connect); use it when
                     OPENAI_BASE_URL points at a server without Responses WebSocket mode
  --fault <name>     inject one loopback-server fault and watch the session recover
                     (loopback mode only; see the list below)
  --prompt <text>    run one turn with this prompt instead of the built-in tour
                     (repeat the flag for several turns)
  --model <slug>     model to use (default: gpt-loopback on loopback, gpt-5-mini against
                     the real provider; on --resume, the session's stored model)
  --resume <file>    continue the session journaled in <file> (the path the demo printed)
                     with the --prompt turns (default: one turn that sums up the session)
  --journal-dir <d>  journal a new session into directory <d> (default: a new temporary
                     directory)
  --steer <text>     steer the first turn with <text> while its answer streams: over the
                     WebSocket the server stops the response at a safe boundary and a
                     successor continues with the input; over HTTP the input goes out with
                     the next request or starts the next turn (not with --sdk)
  --subagents <n>    after the prompts' turns, spawn <n> sub-agents (1-${MAX_SUBAGENTS}), each reading
                     one package's README, and run their turns at the same time on the
                     session's client: over the WebSocket each runs on its own lane
                     (stream_id) of the one pre-connected socket, no handshake of its
                     own; with --http each request is an HTTP request of its own, no
                     lanes (not with --sdk)
  -h, --help         show this help

Faults (each hits once: refuse-upgrade-426 and half-open on the pre-connect handshake,
the others on the first tool follow-up request, in the middle of the first turn):
${FAULT_NAMES.map((name) => `  ${name.padEnd(27)}${FAULT_DESCRIPTIONS[name]}`).join('\n')}
`;

/** Parses `argv` (without node and script). Throws {@link UsageError} for bad input. */
export function parseDemoOptions(argv: readonly string[]): DemoOptions {
  let values;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      allowPositionals: false,
      strict: true,
      options: {
        sdk: { type: 'string' },
        http: { type: 'boolean', default: false },
        fault: { type: 'string' },
        prompt: { type: 'string', multiple: true },
        model: { type: 'string' },
        resume: { type: 'string' },
        'journal-dir': { type: 'string' },
        steer: { type: 'string' },
        subagents: { type: 'string' },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
  } catch (error) {
    throw new UsageError(error instanceof Error ? error.message : String(error));
  }
  const fault = values.fault ?? null;
  if (fault !== null && !(FAULT_NAMES as readonly string[]).includes(fault)) {
    throw new UsageError(`unknown fault '${fault}'; choose one of: ${FAULT_NAMES.join(', ')}`);
  }
  const sdk = values.sdk ?? null;
  if (sdk !== null && !(SDK_NAMES as readonly string[]).includes(sdk)) throw new UsageError(`unknown SDK '${sdk}'; choose one of: ${SDK_NAMES.join(', ')}`);
  const prompts = values.prompt ?? [];
  for (const prompt of prompts) if (prompt.trim() === '') throw new UsageError('--prompt needs a non-empty text');
  const model = values.model ?? null;
  if (model !== null && !/^[\w.:/-]{1,128}$/.test(model)) throw new UsageError(`invalid model name '${model}'`);
  const resume = values.resume ?? null;
  if (resume !== null && resume.trim() === '') throw new UsageError('--resume needs the path of a journal file');
  const journalDirectory = values['journal-dir'] ?? null;
  if (journalDirectory !== null && journalDirectory.trim() === '') throw new UsageError('--journal-dir needs a directory');
  if (resume !== null && journalDirectory !== null) throw new UsageError('--journal-dir is for new sessions; a resumed session goes on in its own file');
  if (sdk !== null && (resume !== null || journalDirectory !== null)) throw new UsageError('--sdk runs the SDK\'s own session, which is not journaled: drop --resume and --journal-dir');
  const steer = values.steer ?? null;
  if (steer !== null && steer.trim() === '') throw new UsageError('--steer needs a non-empty text');
  if (steer !== null && sdk !== null) throw new UsageError('--steer steers a @modelwire/core-session turn: drop --sdk');
  const subagentsText = values.subagents ?? null;
  let subagents = 0;
  if (subagentsText !== null) {
    subagents = /^\d+$/.test(subagentsText.trim()) ? Number(subagentsText.trim()) : Number.NaN;
    if (!Number.isInteger(subagents) || subagents < 1 || subagents > MAX_SUBAGENTS) throw new UsageError(`--subagents needs a whole number from 1 to ${MAX_SUBAGENTS}, not '${subagentsText}'`);
    if (sdk !== null) throw new UsageError('--subagents spawns @modelwire/core-session sub-agents: drop --sdk');
  }
  return {
    sdk: sdk as SdkName | null,
    http: values.http ?? false,
    fault: fault as FaultName | null,
    prompts: prompts.length > 0 ? prompts : resume !== null ? DEFAULT_RESUME_PROMPTS : DEFAULT_PROMPTS,
    model,
    resume,
    journalDirectory,
    steer,
    subagents,
    help: values.help ?? false,
  };
}
