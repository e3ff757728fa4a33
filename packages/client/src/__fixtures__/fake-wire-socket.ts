import { ClosedError, ConnectionClosedError, type ModelwireError } from '@modelwire/transport';
import type { WireSocket } from '../wire/wire-types.js';

type Frame = Record<string, unknown>;

/** An in-memory socket: `deliver` calls the router synchronously, as `ws` does. */
export class FakeSocket implements WireSocket {
  readonly upgradeHeaders = {};
  isOpen = true;
  paused = false;
  readonly sent: string[] = [];
  readonly closes: number[] = [];
  #onFrame: (text: string) => void = () => undefined;
  #onClose: (error: ModelwireError) => void = () => undefined;
  send(text: string): void {
    if (!this.isOpen) throw new ClosedError('the fake socket');
    this.sent.push(text);
  }
  listen(onFrame: (text: string) => void, onClose: (error: ModelwireError) => void): void {
    this.#onFrame = onFrame;
    this.#onClose = onClose;
  }
  pause(): void {
    this.paused = true;
  }
  resume(): void {
    this.paused = false;
  }
  close(code = 1000): void {
    if (!this.isOpen) return;
    this.isOpen = false;
    this.closes.push(code);
    this.#onClose(new ClosedError('the WebSocket connection'));
  }
  deliver(frame: Frame | string): void {
    this.#onFrame(typeof frame === 'string' ? frame : JSON.stringify(frame));
  }
  peerClose(code: number): void {
    this.isOpen = false;
    this.#onClose(new ConnectionClosedError({ closeCode: code }));
  }
}

