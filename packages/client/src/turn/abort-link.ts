/**
 * Aborts a controller when one of up to two other signals aborts, with that signal's reason:
 * what `combineSignals` does, without a second controller and without a closure per input
 * (this object is the listener). Set up once or twice per request, so it stays small.
 * `dispose()` removes the listeners (long-lived inputs, a session's lifetime signal, would
 * otherwise keep one per request); it runs by itself when an input aborts.
 */
export class AbortLink {
  readonly #controller: AbortController;
  readonly #first: AbortSignal | undefined;
  readonly #second: AbortSignal | undefined;

  constructor(controller: AbortController, first: AbortSignal | undefined, second?: AbortSignal) {
    this.#controller = controller;
    // An input aborted already aborts the controller at once (the first one, in order).
    const aborted = first?.aborted === true ? first : second?.aborted === true ? second : undefined;
    if (aborted !== undefined) {
      this.#first = undefined;
      this.#second = undefined;
      controller.abort(aborted.reason);
      return;
    }
    this.#first = first;
    this.#second = second;
    first?.addEventListener('abort', this);
    second?.addEventListener('abort', this);
  }

  /** @internal The listener of both inputs. */
  handleEvent(event: Event): void {
    this.dispose();
    this.#controller.abort((event.target as AbortSignal).reason);
  }

  /** Detaches from the inputs. Idempotent. */
  dispose(): void {
    this.#first?.removeEventListener('abort', this);
    this.#second?.removeEventListener('abort', this);
  }
}
