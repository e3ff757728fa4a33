// What the SDK tool-loop benches (fetch-adapter, ai-sdk-provider, agents-provider) share: the
// loop's sizes and rounds, the client options of the Modelwire paths, each SDK's shell tool and
// earlier conversation, the wire figures of one round and how the rounds are summed up and
// printed. The loop itself (prompt, instructions, tool output, history) comes from
// @modelwire/testing, so that the benches measure the loop the tests check.
import { staticTokenAuth } from '@modelwire/client';
import type { ModelwireClientOptions } from '@modelwire/fetch';
import { earlierConversation, responsesWireFigures, TOOL_OUTPUT, type ResponsesServer, type ResponsesWireFigures } from '@modelwire/testing';
import { assistant, Runner, tool as agentTool, user, type Agent, type AgentInputItem } from '@openai/agents';
import { jsonSchema, tool } from 'ai';
import { z } from 'zod';
import { numberArgument } from './cli.ts';
import { median } from './measure.ts';

/** Options every SDK tool-loop bench takes. */
export interface SdkLoopBenchOptions {
  /** Timed rounds per path. Default 5. */
  rounds?: number;
  /** Requests per tool loop (tool calls + the final answer). Default 20. */
  steps?: number;
  /** Earlier conversation the loop starts from, in KiB of JSON. Default 24. */
  historyKiB?: number;
  /** Untimed rounds first. Default 1. */
  warmupRounds?: number;
}

/** {@link SdkLoopBenchOptions} with the defaults filled in. */
export function sdkLoopSizes(options: SdkLoopBenchOptions): Required<SdkLoopBenchOptions> {
  return { rounds: options.rounds ?? 5, steps: options.steps ?? 20, historyKiB: options.historyKiB ?? 24, warmupRounds: options.warmupRounds ?? 1 };
}

/** The user message of a loop of `steps` requests (the default model's `run N times:` rule). */
export function toolLoopPrompt(steps: number): string {
  return `run ${steps - 1} times: ls -la src`;
}

/** Client options of the Modelwire paths against `server`. */
export function benchClientOptions(server: ResponsesServer): ModelwireClientOptions {
  return { provider: { baseUrl: server.url, supportsWebSockets: true }, auth: staticTokenAuth('sk-bench') };
}

/** The AI SDK's shell tool of the loop. */
export function aiSdkShellTool() {
  return tool({
    description: 'Runs a shell command.',
    inputSchema: jsonSchema<{ command: string }>({ type: 'object', properties: { command: { type: 'string' } }, required: ['command'], additionalProperties: false }),
    execute: () => TOOL_OUTPUT,
  });
}

/** @openai/agents' shell tool of the loop. */
export function agentsShellTool() {
  return agentTool({ name: 'shell', description: 'Runs a shell command.', parameters: z.object({ command: z.string() }), execute: () => TOOL_OUTPUT });
}

/** The earlier conversation and the loop's prompt as @openai/agents input items. */
export function agentsLoopInput(historyKiB: number, steps: number): AgentInputItem[] {
  return [...earlierConversation(historyKiB).map((message) => (message.role === 'user' ? user(message.content) : assistant(message.content))), user(toolLoopPrompt(steps))];
}

/** Runs `agent` streamed for at most `steps` model calls; resolves with whether it ended with the loop's final answer. */
export async function runAgentsLoop(agent: Agent, input: AgentInputItem[], steps: number): Promise<boolean> {
  const result = await new Runner({ tracingDisabled: true }).run(agent, input, { stream: true, maxTurns: steps });
  for await (const _event of result) {
    // drained
  }
  await result.completed;
  return String(result.finalOutput ?? '').includes('Done.');
}

/** What one round of one path did. */
export interface SdkRoundFigures extends ResponsesWireFigures {
  /** Latency of every request of the round to its first event, in milliseconds. */
  readonly latencies: readonly number[];
  /** Wall time of the whole loop, in milliseconds. */
  readonly loopMs: number;
  /** Whether the loop ended with its final answer. */
  readonly answered: boolean;
}

/** The round's figures: the server's wire figures so far, with the latencies and wall time measured by the bench. */
export function roundFigures(server: ResponsesServer, latencies: readonly number[], loopMs: number, answered: boolean): SdkRoundFigures {
  return { ...responsesWireFigures(server), latencies, loopMs, answered };
}

/**
 * Runs `warmupRounds + rounds` rounds, every path once per round in the order given (the
 * paths interleaved, so that a loaded machine weighs on each alike); the timed rounds per path.
 */
export async function interleavedRounds<Path>(paths: readonly Path[], sizes: Required<SdkLoopBenchOptions>, oneRound: (path: Path) => Promise<SdkRoundFigures>): Promise<Map<Path, SdkRoundFigures[]>> {
  const byPath = new Map<Path, SdkRoundFigures[]>(paths.map((path) => [path, []]));
  for (let round = 0; round < sizes.warmupRounds + sizes.rounds; round += 1) {
    for (const path of paths) {
      const figures = await oneRound(path);
      if (round >= sizes.warmupRounds) byPath.get(path)!.push(figures);
    }
  }
  return byPath;
}

/** A path over its timed rounds: wire figures of the last round, median first-event latency over every request, median loop time. */
export interface SdkPathSummary extends ResponsesWireFigures {
  readonly firstMs: number;
  readonly loopMs: number;
  /** Whether every round ended with the loop's final answer. */
  readonly answered: boolean;
}

export function summariseRounds(rounds: readonly SdkRoundFigures[]): SdkPathSummary {
  const { handshakes, httpConnections, requests, incrementalRequests, requestBytes } = rounds.at(-1)!;
  return {
    handshakes,
    httpConnections,
    requests,
    incrementalRequests,
    requestBytes,
    firstMs: median(rounds.flatMap((round) => round.latencies)),
    loopMs: median(rounds.map((round) => round.loopMs)),
    answered: rounds.every((round) => round.answered),
  };
}

/** `3 handshakes, 1 HTTP connections, 12.3 KiB in 20 requests (19 incremental)`; `kib` formats the bytes. */
export function describeWireFigures(figures: ResponsesWireFigures, kib: (bytes: number) => string = (bytes) => `${(bytes / 1024).toFixed(1)} KiB`): string {
  return `${figures.handshakes} handshakes, ${figures.httpConnections} HTTP connections, ${kib(figures.requestBytes)} in ${figures.requests} requests (${figures.incrementalRequests} incremental)`;
}

/** `--rounds N` and `--steps N` of a bench's command line. */
export function sdkLoopArguments(args: readonly string[] = process.argv.slice(2)): SdkLoopBenchOptions {
  const rounds = numberArgument(args, '--rounds');
  const steps = numberArgument(args, '--steps');
  return { ...(rounds === undefined ? {} : { rounds }), ...(steps === undefined ? {} : { steps }) };
}
