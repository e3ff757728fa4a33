import { describe, expect, it } from 'vitest';
import { DEFAULT_PROMPTS, HELP_TEXT, parseDemoOptions, UsageError } from './cli-options.ts';
import { FAULT_NAMES } from './fault-catalog.ts';

describe('parseDemoOptions', () => {
  it('defaults to the built-in tour over the WebSocket', () => {
    expect(parseDemoOptions([])).toEqual({ http: false, fault: null, prompts: DEFAULT_PROMPTS, model: null, help: false });
  });

  it('reads every flag; --prompt may repeat', () => {
    const options = parseDemoOptions(['--http', '--fault', 'stall', '--prompt', 'one', '--prompt', 'two', '--model', 'gpt-5-mini']);
    expect(options).toEqual({ http: true, fault: 'stall', prompts: ['one', 'two'], model: 'gpt-5-mini', help: false });
    expect(parseDemoOptions(['-h']).help).toBe(true);
  });

  it.each([
    [['--bogus'], /Unknown option '--bogus'/],
    [['--fault'], /argument missing/],
    [['--fault', 'meteor'], /unknown fault 'meteor'; choose one of: drop-socket/],
    [['--prompt', '  '], /non-empty/],
    [['--model', 'a b'], /invalid model name/],
    [['stray'], /positional/],
  ])('rejects %j with a clear message', (argv, message) => {
    expect(() => parseDemoOptions(argv)).toThrow(UsageError);
    expect(() => parseDemoOptions(argv)).toThrow(message);
  });

  it('lists every fault in the help text', () => {
    for (const name of FAULT_NAMES) expect(HELP_TEXT).toMatch(new RegExp(`^  ${name} +\\S`, 'm'));
  });
});
