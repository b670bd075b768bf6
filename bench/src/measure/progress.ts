/**
 * One progress line per scenario while it runs: rewritten in place on a terminal, and at most
 * one line every few seconds otherwise (CI logs, a test reading the output).
 */
export class Progress {
  private last = 0;
  private shown = false;
  private readonly tty: boolean;

  constructor(
    private readonly label: string,
    private readonly out: NodeJS.WriteStream = process.stdout,
    private readonly everyMs = out.isTTY ? 200 : 2_000,
  ) {
    this.tty = Boolean(out.isTTY);
  }

  update(text: string): void {
    const now = Date.now();
    if (this.shown && now - this.last < this.everyMs) return;
    this.last = now;
    this.shown = true;
    const line = `  … ${this.label}: ${text}`;
    if (this.tty) this.out.write(`\r\x1b[2K${line}`);
    else this.out.write(`${line}\n`);
  }

  /** Clears the in-place line so that the next output starts clean. */
  done(): void {
    if (this.tty && this.shown) this.out.write('\r\x1b[2K');
    this.shown = false;
  }
}

export const formatCount = (n: number) => Math.round(n).toLocaleString('en-US');
