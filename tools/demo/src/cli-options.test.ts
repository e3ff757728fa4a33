import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS, DEFAULT_RESUME_PROMPTS, HELP_TEXT, parseDemoOptions, UsageError } from './cli-options.ts';
import { FAULT_NAMES } from './fault-catalog.ts';

describe('parseDemoOptions', () => {
  it('defaults to the built-in tour over the WebSocket', () => {
    expect(parseDemoOptions([])).toEqual({ sdk: null, http: false, fault: null, prompts: DEFAULT_PROMPTS, model: null, resume: null, journalDirectory: null, steer: null, subagents: 0, help: false });
  });

  it('reads every flag; --prompt may repeat', () => {
    const options = parseDemoOptions(['--http', '--fault', 'stall', '--prompt', 'one', '--prompt', 'two', '--model', 'gpt-5-mini']);
    expect(options).toEqual({ sdk: null, http: true, fault: 'stall', prompts: ['one', 'two'], model: 'gpt-5-mini', resume: null, journalDirectory: null, steer: null, subagents: 0, help: false });
    expect(parseDemoOptions(['--steer', 'keep it short']).steer).toBe('keep it short');
    expect(parseDemoOptions(['-h']).help).toBe(true);
    expect(parseDemoOptions(['--subagents', '3']).subagents).toBe(3);
    expect(parseDemoOptions(['--subagents', '8', '--http']).subagents).toBe(8);
    expect(parseDemoOptions(['--journal-dir', '/tmp/j']).journalDirectory).toBe('/tmp/j');
    for (const sdk of ['openai', 'ai-sdk', 'agents']) expect(parseDemoOptions(['--sdk', sdk]).sdk).toBe(sdk);
  });

  it('continues a journaled session with --resume, by default with one summing-up turn', () => {
    expect(parseDemoOptions(['--resume', '/tmp/j/rollout-x.jsonl'])).toMatchObject({ resume: '/tmp/j/rollout-x.jsonl', prompts: DEFAULT_RESUME_PROMPTS });
    expect(parseDemoOptions(['--resume', 'r.jsonl', '--prompt', 'go on']).prompts).toEqual(['go on']);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--fault'], /argument missing/],
    [['--fault', 'meteor'], /unknown fault 'meteor'; choose one of: drop-socket/],
    [['--prompt', '  '], /non-empty/],
    [['--model', 'a b'], /invalid model name/],
    [['stray'], /positional/],
    [['--resume', ' '], /needs the path of a journal file/],
    [['--resume', 'r.jsonl', '--journal-dir', '/tmp'], /a resumed session goes on in its own file/],
    [['--sdk', 'langchain'], /unknown SDK 'langchain'; choose one of: openai, ai-sdk, agents/],
    [['--sdk', 'openai', '--resume', 'r.jsonl'], /--sdk runs the SDK's own session, which is not journaled/],
    [['--steer', ' '], /--steer needs a non-empty text/],
    [['--steer', 'x', '--sdk', 'openai'], /--steer steers a @modelwire\/core-session turn/],
    [['--subagents', '0'], /--subagents needs a whole number from 1 to 8, not '0'/],
    [['--subagents', '9'], /--subagents needs a whole number from 1 to 8/],
    [['--subagents', '2.5'], /--subagents needs a whole number/],
    [['--subagents', 'three'], /--subagents needs a whole number/],
    [['--subagents', '2', '--sdk', 'openai'], /--subagents spawns @modelwire\/core-session sub-agents: drop --sdk/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseDemoOptions(argv)).toThrow(UsageError);
    expect(() => parseDemoOptions(argv)).toThrow(message);
  });

  it('lists every fault in the help text', () => {
    for (const name of FAULT_NAMES) expect(HELP_TEXT).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
