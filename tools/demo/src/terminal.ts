// Terminal output of the demo: colours and a spinner only when stdout is a TTY (and NO_COLOR
// is unset), and every byte written passes through a redactor so that a secret given to the
// demo can never be printed.
import type { Writable } from 'node:stream';

const FRAMES = ['⠋', '⠙', '⠹', '⠸', '⠼', '⠴', '⠦', '⠧', '⠇', '⠏'];

/** Where the demo writes, and whether it may decorate. */
export class Terminal {
  readonly #out: Writable & { isTTY?: boolean };
  readonly #err: Writable;
  readonly #secrets: readonly string[];
  readonly #tty: boolean;
  readonly #colour: boolean;
  #spinner: NodeJS.Timeout | null = null;
  #spinnerLabel = '';
  #frame = 0;
  /** Whether the cursor is at the start of a line on stdout. */
  #atLineStart = true;

  constructor(out: Writable & { isTTY?: boolean }, err: Writable, env: NodeJS.ProcessEnv, secrets: readonly string[]) {
    this.#out = out;
    this.#err = err;
    this.#secrets = secrets.filter((secret) => secret.length >= 4);
    this.#tty = out.isTTY === true;
    this.#colour = this.#tty && env['NO_COLOR'] === undefined;
  }

  redact(text: string): string {
    let result = text;
    for (const secret of this.#secrets) result = result.split(secret).join('[redacted]');
    return result;
  }

  #write(text: string): void {
    if (text === '') return;
    this.stopSpinner();
    this.#out.write(this.redact(text));
    this.#atLineStart = text.endsWith('\n');
  }

  /** Text as it streams (no newline added). */
  stream(text: string): void {
    this.#write(this.#colour ? `\x1b[36m${text}\x1b[0m` : text);
  }

  /** A whole line, starting on a fresh line. */
  line(text = ''): void {
    this.#write(`${this.#atLineStart ? '' : '\n'}${text}\n`);
  }

  dim(text: string): string {
    return this.#colour ? `\x1b[2m${text}\x1b[0m` : text;
  }

  bold(text: string): string {
    return this.#colour ? `\x1b[1m${text}\x1b[0m` : text;
  }

  yellow(text: string): string {
    return this.#colour ? `\x1b[33m${text}\x1b[0m` : text;
  }

  /** Writes to stderr. */
  error(text: string): void {
    this.stopSpinner();
    this.#err.write(`${this.redact(text)}\n`);
  }

  /** Shows a spinner with `label` until the next write (TTY only). */
  startSpinner(label: string): void {
    if (!this.#tty) return;
    this.stopSpinner();
    if (!this.#atLineStart) {
      this.#out.write('\n');
      this.#atLineStart = true;
    }
    this.#spinnerLabel = label;
    const draw = (): void => {
      this.#frame = (this.#frame + 1) % FRAMES.length;
      this.#out.write(`\r${this.dim(`${FRAMES[this.#frame]} ${this.#spinnerLabel}`)}\x1b[K`);
    };
    draw();
    this.#spinner = setInterval(draw, 80);
    this.#spinner.unref();
  }

  stopSpinner(): void {
    if (this.#spinner === null) return;
    clearInterval(this.#spinner);
    this.#spinner = null;
    this.#out.write('\r\x1b[K');
  }
}
