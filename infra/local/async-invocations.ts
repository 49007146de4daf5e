/**
 * Asynchronous invocations (S3 event notifications): as on AWS, each event is invoked on its own,
 * several at a time, and a failed one is tried twice more before it goes to the on-failure
 * destination. A stack that stops first lets the events it accepted finish, as a Lambda service
 * that keeps running would: none is lost because the stack went down between two steps.
 */
export class AsyncInvocations {
  private running = 0;
  private readonly waiting: (() => Promise<void>)[] = [];
  private idleWaiters: (() => void)[] = [];

  constructor(
    /** events in flight at once, per function */
    private readonly concurrency: number,
    private readonly invoke: () => (event: unknown) => Promise<unknown>,
    private readonly describe: (event: unknown) => string,
  ) {}

  add(event: unknown): void {
    this.waiting.push(() => this.attempt(event));
    this.next();
  }

  /** Resolves once every event accepted so far has been handled (or given up on). */
  idle(): Promise<void> {
    if (this.running === 0 && this.waiting.length === 0) return Promise.resolve();
    return new Promise((resolve) => this.idleWaiters.push(resolve));
  }

  private next(): void {
    while (this.running < this.concurrency && this.waiting.length) {
      const work = this.waiting.shift()!;
      this.running++;
      void work().finally(() => {
        this.running--;
        this.next();
        if (this.running === 0 && this.waiting.length === 0) {
          for (const resolve of this.idleWaiters.splice(0)) resolve();
        }
      });
    }
  }

  private async attempt(event: unknown): Promise<void> {
    for (let attempt = 1; attempt <= 3; attempt++) {
      try {
        await this.invoke()(event);
        return;
      } catch (error) {
        if (attempt === 3)
          console.error(`${this.describe(event)} failed 3 times: to FailedInvocations`, error);
        else await new Promise((r) => setTimeout(r, 200 * attempt));
      }
    }
  }
}
