/**
 * Writes Server-Sent Events the way the Responses API does: `event: <type>` then
 * `data: <json>` then a blank line, no `[DONE]`.
 */
import type { ServerResponse } from 'node:http';
import type { JsonObject } from './request-body.js';

/** Formats one SSE block for an event object. */
export function formatSseEvent(event: JsonObject): string {
  return `event: ${String(event['type'] ?? 'message')}\ndata: ${JSON.stringify(event)}\n\n`;
}

/** Formats one SSE block whose data is raw text (used for malformed JSON). */
export function formatSseRaw(type: string, data: string): string {
  return `event: ${type}\ndata: ${data}\n\n`;
}

/** Writes SSE blocks to a response, resolving after each write is flushed or the socket closed. */
export class SseWriter {
  readonly #response: ServerResponse;

  constructor(response: ServerResponse) {
    this.#response = response;
  }

  /** Whether the client went away or the response was ended. */
  get closed(): boolean {
    return this.#response.destroyed || this.#response.writableEnded;
  }

  /** Writes one block (or any piece of the body); returns the number of bytes written (0 when closed). */
  async write(block: string | Uint8Array): Promise<number> {
    if (this.closed) return 0;
    const bytes = Buffer.byteLength(block);
    await new Promise<void>((resolve) => {
      const done = (): void => {
        this.#response.off('close', done);
        resolve();
      };
      this.#response.once('close', done);
      this.#response.write(block, done);
    });
    return bytes;
  }

  /** Ends the body cleanly (the final chunk is sent). */
  end(): void {
    if (!this.closed) this.#response.end();
  }

  /** Cuts the connection mid-body. */
  cut(): void {
    this.#response.socket?.destroy();
    this.#response.destroy();
  }
}
