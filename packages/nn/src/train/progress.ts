/** Where the progress bar writes: stderr-like (only `isTTY`, `columns` and `write` are used). */
export interface ProgressStream {
  isTTY?: boolean;
  columns?: number;
  write(s: string): unknown;
}

/**
 * A one-line progress bar redrawn in place (`\r`) at most every 100 ms, with a closing line per
 * epoch. Silent when the stream is not a terminal, so logs and CI output stay clean.
 */
export class ProgressBar {
  private last = 0;
  private epochStart = 0;
  private readonly active: boolean;

  constructor(private readonly stream: ProgressStream | null, private readonly epochs: number, private readonly batches: number) {
    this.active = !!stream?.isTTY;
  }

  /** Called after each batch; redraws when enough time has passed. */
  tick(epoch: number, batch: number, loss: number): void {
    if (!this.active) return;
    const now = Date.now();
    if (batch === 0) this.epochStart = now;
    if (now - this.last < 100 && batch + 1 < this.batches) return;
    this.last = now;
    const width = 24;
    const done = Math.round(((batch + 1) / this.batches) * width);
    const bar = '█'.repeat(done) + '░'.repeat(width - done);
    const eta = ((now - this.epochStart) / (batch + 1)) * (this.batches - batch - 1);
    const etaText = batch + 1 < this.batches ? ` eta ${(eta / 1000).toFixed(1)}s` : '';
    this.draw(`epoch ${epoch + 1}/${this.epochs} ${bar} ${batch + 1}/${this.batches} loss ${loss.toFixed(4)}${etaText}`);
  }

  /** Replaces the bar with the epoch's summary line. */
  endEpoch(text: string): void {
    if (!this.active) return;
    this.draw(text);
    this.stream!.write('\n');
  }

  private draw(text: string): void {
    const cols = this.stream!.columns ?? 100;
    this.stream!.write(`\r${text.slice(0, cols - 1).padEnd(Math.min(cols - 1, 100))}`);
  }
}
