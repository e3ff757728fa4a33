import { ErrorCode, ModelwireError } from '@modelwire/errors';

/** Hooks through which {@link FrameQueue} asks its producer to stop and restart. */
export interface FrameQueueFlowControl {
  /** Called when the buffer reaches the high-water mark. */
  pause(): void;
  /** Called when the buffer has drained to half the high-water mark. */
  resume(): void;
}

/**
 * A single-consumer FIFO of received text frames with backpressure: the producer pushes,
 * the one active reader takes; at `highWaterMark` buffered frames the producer is paused
 * (for a WebSocket: its TCP socket stops being read, so the server's sends back up into TCP
 * flow control instead of process memory), and resumed at half of it.
 *
 * Once ended (`end()` or `fail(error)`), buffered frames are still delivered, then the reader
 * sees the end (or the error).
 */
export class FrameQueue {
  readonly #highWaterMark: number;
  readonly #flow: FrameQueueFlowControl;
  #frames: string[] = [];
  #head = 0;
  #paused = false;
  #ended = false;
  #error: unknown;
  #waiter: { resolve: (frame: string | undefined) => void; reject: (error: unknown) => void } | undefined;
  #reading = false;

  constructor(highWaterMark: number, flow: FrameQueueFlowControl) {
    this.#highWaterMark = Math.max(1, highWaterMark);
    this.#flow = flow;
  }

  /** Frames buffered and not yet taken. */
  get size(): number {
    return this.#frames.length - this.#head;
  }

  /** Whether the producer is currently paused by this queue. */
  get paused(): boolean {
    return this.#paused;
  }

  /** Adds a frame (ignored after the end). */
  push(frame: string): void {
    if (this.#ended) return;
    const waiter = this.#waiter;
    if (waiter !== undefined) {
      this.#waiter = undefined;
      waiter.resolve(frame);
      return;
    }
    this.#frames.push(frame);
    if (!this.#paused && this.size >= this.#highWaterMark) {
      this.#paused = true;
      this.#flow.pause();
    }
  }

  /** Ends the queue normally: the reader gets the buffered frames, then `undefined`. */
  end(): void {
    this.#finish(undefined);
  }

  /** Ends the queue with an error: the reader gets the buffered frames, then the error. First call wins. */
  fail(error: unknown): void {
    this.#finish(error);
  }

  /** Marks the start of a reader; a second concurrent reader gets a `busy` error. */
  acquireReader(): void {
    if (this.#reading) throw new ModelwireError(ErrorCode.Busy, 'this WebSocket connection already has an active reader');
    this.#reading = true;
  }

  /** Releases the reader so another may start; buffered frames stay for it. */
  releaseReader(): void {
    this.#reading = false;
  }

  /**
   * The next frame, `undefined` at the end, or the rejection with the failure. Only one
   * call may be pending at a time (the single reader guarantees that).
   */
  take(): Promise<string | undefined> {
    if (this.size > 0) {
      const frame = this.#frames[this.#head] as string;
      this.#head += 1;
      if (this.#head > 1024 && this.#head * 2 > this.#frames.length) {
        this.#frames = this.#frames.slice(this.#head);
        this.#head = 0;
      }
      if (this.#paused && !this.#ended && this.size <= this.#highWaterMark / 2) {
        this.#paused = false;
        this.#flow.resume();
      }
      return Promise.resolve(frame);
    }
    if (this.#ended) return this.#error === undefined ? Promise.resolve(undefined) : Promise.reject(this.#error);
    return new Promise((resolve, reject) => {
      this.#waiter = { resolve, reject };
    });
  }

  /**
   * Removes and returns every buffered frame at once (for a reader that switches to push
   * delivery), resuming the producer if it was paused.
   */
  takeAll(): string[] {
    const frames = this.#frames.slice(this.#head);
    this.#frames = [];
    this.#head = 0;
    if (this.#paused && !this.#ended) {
      this.#paused = false;
      this.#flow.resume();
    }
    return frames;
  }

  /** Whether the queue ended (`end()` or `fail()`). */
  get ended(): boolean {
    return this.#ended;
  }

  /** Rejects a pending `take()` (for a reader that was aborted) without ending the queue. */
  interrupt(error: unknown): void {
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    waiter.reject(error);
  }

  #finish(error: unknown): void {
    if (this.#ended) return;
    this.#ended = true;
    this.#error = error;
    const waiter = this.#waiter;
    if (waiter === undefined) return;
    this.#waiter = undefined;
    if (error === undefined) waiter.resolve(undefined);
    else waiter.reject(error);
  }
}
