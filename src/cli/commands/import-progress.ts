/** Width of the TTY progress bar, in characters. */
const BAR_WIDTH = 30;
/** Least time between two redraws of the TTY bar, ms. */
const REDRAW_MS = 100;

/**
 * Progress of an import by bytes read: a bar redrawn in place on a terminal, otherwise one line each
 * time another 10% of the input is read (logs stay short). Without a known size (stdin) only the
 * bytes read are shown on a terminal, and nothing otherwise.
 */
export class ImportProgress {
  readonly #total: number | undefined;
  readonly #tty: boolean;
  readonly #write: (text: string) => void;
  #lastTenth = 0;
  #lastDraw = 0;
  #drawn = false;

  constructor(options: { totalBytes: number | undefined; tty: boolean; write: (text: string) => void }) {
    this.#total = options.totalBytes;
    this.#tty = options.tty;
    this.#write = options.write;
  }

  update(bytes: number): void {
    const total = this.#total;
    if (!this.#tty) {
      if (total === undefined || total === 0) return;
      const tenth = Math.min(10, Math.floor((bytes / total) * 10));
      if (tenth > this.#lastTenth) {
        this.#lastTenth = tenth;
        this.#write(`read ${tenth * 10}% (${megabytes(bytes)} of ${megabytes(total)})\n`);
      }
      return;
    }
    const now = Date.now();
    if (now - this.#lastDraw < REDRAW_MS && bytes !== total) return;
    this.#lastDraw = now;
    this.#drawn = true;
    if (total === undefined || total === 0) {
      this.#write(`\rread ${megabytes(bytes)}`);
      return;
    }
    const share = Math.min(1, bytes / total);
    const filled = Math.round(share * BAR_WIDTH);
    this.#write(
      `\r[${'#'.repeat(filled)}${' '.repeat(BAR_WIDTH - filled)}] ${Math.floor(share * 100)}% ${megabytes(bytes)} of ${megabytes(total)}`,
    );
  }

  /** Ends the bar's line on a terminal, so what follows starts on a line of its own. */
  done(): void {
    if (this.#tty && this.#drawn) this.#write('\n');
  }
}

function megabytes(bytes: number): string {
  return `${(bytes / 1_048_576).toFixed(1)} MB`;
}
