// Every error class a session user can meet is importable from this package's public entry, as
// the very class the lower layers throw (one class per meaning, `instanceof` works whichever
// package it was imported from).
import * as client from '@modelwire/client';
import * as protocol from '@modelwire/protocol';
import * as transport from '@modelwire/transport';
import { afterEach, describe, expect, it } from 'vitest';
import { collect, startSession, type SessionSetup } from '../__fixtures__/session-fixtures.js';
import * as session from '../index.js';

type Exports = Readonly<Record<string, unknown>>;

/** The error classes among a module's exports, by exported name. */
function errorClasses(module: Exports): Map<string, abstract new (...args: never[]) => Error> {
  const classes = new Map<string, abstract new (...args: never[]) => Error>();
  for (const [name, value] of Object.entries(module)) {
    if (typeof value === 'function' && (value === Error || value.prototype instanceof Error)) classes.set(name, value as abstract new (...args: never[]) => Error);
  }
  return classes;
}

/** Client errors no session path throws: `DoctorUsageError` comes only from the doctor CLI's argument parser. */
const NOT_MET_IN_A_SESSION = new Set(['DoctorUsageError']);

let setup: SessionSetup | undefined;
afterEach(async () => {
  await setup?.close();
  setup = undefined;
});

describe('errors of @modelwire/core-session', () => {
  it('re-exports every error class of @modelwire/client, as the same classes, and the code table', () => {
    const clientClasses = errorClasses(client);
    expect(clientClasses.size).toBeGreaterThan(25);
    const sessionClasses = errorClasses(session);
    for (const [name, value] of clientClasses) {
      if (!NOT_MET_IN_A_SESSION.has(name)) expect(sessionClasses.get(name), name).toBe(value);
    }
    expect(session.ErrorCode).toBe(client.ErrorCode);
    // The session's own classes come on top, all of the one Modelwire family.
    const own = [...sessionClasses].filter(([name]) => !clientClasses.has(name));
    expect(own.map(([name]) => name)).toContain('TurnInterruptedError');
    for (const [name, value] of own) expect(value.prototype, name).toBeInstanceOf(session.ModelwireError);
  });

  it('is complete in @modelwire/client too: every error class of transport and protocol', () => {
    const clientClasses = errorClasses(client);
    for (const module of [transport, protocol] as Exports[]) {
      for (const [name, value] of errorClasses(module)) expect(clientClasses.get(name), name).toBe(value);
    }
  });

  it('has one class per name across the packages a session is built on', () => {
    const byName = new Map<string, Set<unknown>>();
    for (const module of [transport, protocol, client, session] as Exports[]) {
      for (const [name, value] of errorClasses(module)) byName.set(name, (byName.get(name) ?? new Set()).add(value));
    }
    expect([...byName].filter(([, classes]) => classes.size > 1).map(([name]) => name)).toEqual([]);
  });

  it('throws only exported classes at a session user', async () => {
    setup = await startSession();
    const { session: live } = setup;
    expect(() => live.submit('')).toThrow(session.InvalidArgumentError);
    expect(() => live.submit([{ role: 'user' } as never])).toThrow(expect.objectContaining({ path: 'input[0].content' }));
    expect(() => live.submit([{ type: 7 } as never])).toThrow(expect.objectContaining({ path: 'input[0].type' }));
    expect(() => new session.ToolRegistry([{ kind: 'function', name: 'bad name', parameters: {}, handler: () => '' }])).toThrow(session.InvalidArgumentError);

    const handle = live.submit('hello');
    await collect(handle);
    await handle.result;
    expect(() => handle[Symbol.asyncIterator]()).toThrow(session.AlreadyConsumedError);

    const cancelled = new AbortController();
    cancelled.abort();
    await expect(live.submit('never runs', { signal: cancelled.signal }).result).rejects.toBeInstanceOf(session.TurnInterruptedError);

    await live.close();
    expect(() => live.submit('after close')).toThrow(session.ClosedError);
  });
});
