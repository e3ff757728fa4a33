// Small raw clients for the loopback server's own tests: a WebSocket wrapper that collects
// frames, and an SSE reader over fetch. They do not use the client package.
import { WebSocket, type ClientOptions } from 'ws';

export type Frame = Record<string, unknown>;

const TERMINAL = new Set(['response.completed', 'response.incomplete', 'response.failed', 'error']);

/** A raw `ws` client collecting every frame it receives. */
export class RawSocket {
  readonly socket: WebSocket;
  readonly frames: Frame[] = [];
  readonly raw: { data: string; binary: boolean }[] = [];
  /** Headers of the `101` upgrade response. */
  upgradeHeaders: Readonly<Record<string, string | string[] | undefined>> = {};
  closeCode: number | undefined;
  readonly closed: Promise<number>;
  #waiters: (() => void)[] = [];

  private constructor(socket: WebSocket) {
    this.socket = socket;
    socket.on('error', () => undefined);
    socket.on('message', (data: Buffer, binary: boolean) => {
      const text = data.toString('utf8');
      this.raw.push({ data: text, binary });
      try {
        if (!binary) this.frames.push(JSON.parse(text) as Frame);
      } catch {
        // malformed frames stay in `raw` only
      }
      this.#wake();
    });
    this.closed = new Promise((resolve) =>
      socket.once('close', (code: number) => {
        this.closeCode = code;
        this.#wake();
        resolve(code);
      }),
    );
  }

  static open(url: string, options: ClientOptions = {}): Promise<RawSocket> {
    const socket = new WebSocket(url, { headers: { authorization: 'Bearer sk-test' }, ...options });
    const wrapper = new RawSocket(socket);
    socket.once('upgrade', (response) => {
      wrapper.upgradeHeaders = { ...response.headers };
    });
    return new Promise((resolve, reject) => {
      socket.once('open', () => resolve(wrapper));
      socket.once('unexpected-response', (_request, response) => {
        reject(Object.assign(new Error(`upgrade refused ${response.statusCode}`), { status: response.statusCode, headers: response.headers }));
        response.resume();
        socket.terminate();
      });
      socket.once('error', reject);
    });
  }

  #wake(): void {
    const waiters = this.#waiters;
    this.#waiters = [];
    for (const wake of waiters) wake();
  }

  send(frame: Frame): void {
    this.socket.send(JSON.stringify(frame));
  }

  /** Waits until `predicate` holds over the frames received so far (or the socket closes). */
  async until(predicate: (frames: Frame[]) => boolean): Promise<Frame[]> {
    while (!predicate(this.frames) && this.closeCode === undefined) {
      await new Promise<void>((resolve) => this.#waiters.push(resolve));
    }
    return this.frames;
  }

  /** Waits for `count` terminal events in total and returns the frames since `from`. */
  async terminals(count: number, from = 0): Promise<Frame[]> {
    await this.until((frames) => frames.slice(from).filter((frame) => TERMINAL.has(String(frame['type']))).length >= count);
    return this.frames.slice(from);
  }

  /** Sends a request and waits for its terminal event; returns that response's frames. */
  async request(frame: Frame): Promise<Frame[]> {
    const from = this.frames.length;
    this.send({ type: 'response.create', ...frame });
    return this.terminals(1, from);
  }

  async close(): Promise<void> {
    if (this.closeCode === undefined) {
      this.socket.terminate();
      await this.closed;
    }
  }
}

export function userMessage(text: string): Frame {
  return { type: 'message', role: 'user', content: [{ type: 'input_text', text }] };
}

export function completedOf(frames: Frame[]): Frame & { response: Frame & { id: string; output: Frame[]; usage: Frame } } {
  const completed = frames.find((frame) => frame['type'] === 'response.completed');
  if (!completed) throw new Error(`no response.completed in ${JSON.stringify(frames.map((frame) => frame['type']))}`);
  return completed as never;
}

/** Parses an SSE body into `{event, data}` pairs (data parsed as JSON when possible). */
export function parseSse(text: string): { event: string | undefined; data: string; json: Frame | undefined }[] {
  const blocks = text.split('\n\n').filter((block) => block.trim() !== '');
  return blocks.map((block) => {
    let event: string | undefined;
    const data: string[] = [];
    for (const line of block.split('\n')) {
      if (line.startsWith('event: ')) event = line.slice(7);
      else if (line.startsWith('data: ')) data.push(line.slice(6));
    }
    const joined = data.join('\n');
    let json: Frame | undefined;
    try {
      json = JSON.parse(joined) as Frame;
    } catch {
      json = undefined;
    }
    return { event, data: joined, json };
  });
}

export const tools = [
  {
    type: 'function',
    name: 'shell',
    description: 'Runs a command',
    parameters: { type: 'object', properties: { command: { type: 'array', items: { type: 'string' } } }, required: ['command'] },
  },
];
