/**
 * A one-line progress bar on a terminal. Off the terminal (a pipe, CI, `--json`) it prints
 * nothing, so logs and machine-read output stay clean.
 */
export class ProgressBar {
  private readonly enabled: boolean;
  private lastDraw = 0;

  constructor(
    private total: number,
    private readonly label: string,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    enabled?: boolean,
  ) {
    this.enabled = enabled ?? Boolean(stream.isTTY);
  }

  /** Redraws at most every 50 ms (and always at the end), so a fast loop is not slowed by I/O. */
  update(done: number, status = '', total = this.total): void {
    this.total = total;
    if (!this.enabled) return;
    const now = Date.now();
    if (done < this.total && now - this.lastDraw < 50) return;
    this.lastDraw = now;
    const width = 28;
    const filled = Math.round((width * done) / this.total);
    const bar = '█'.repeat(filled) + '░'.repeat(width - filled);
    const pct = String(Math.round((100 * done) / this.total)).padStart(3);
    this.stream.write(`\r\x1b[2K${this.label} ${bar} ${pct}%  ${status}`);
  }

  /** Clears the bar's line, leaving the terminal as it was. */
  finish(): void {
    if (this.enabled) this.stream.write('\r\x1b[2K');
  }
}
