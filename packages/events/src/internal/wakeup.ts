/** A wait that ends early when fired: NOTIFY and stop() interrupt the relay's polling pause. */
export class Wakeup {
  private pending: (() => void) | undefined;
  private fired = false;

  fire(): void {
    this.fired = true;
    this.pending?.();
  }

  async wait(ms: number): Promise<void> {
    if (this.fired) {
      this.fired = false;
      return;
    }
    await new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      const self = this;
      function done() {
        clearTimeout(timer);
        self.pending = undefined;
        resolve();
      }
      this.pending = done;
    });
    this.fired = false;
  }
}
