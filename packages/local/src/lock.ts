/**
 * Serialises work on one key (an object's path) inside this process, so that the check and
 * the rename of a conditional write, or the body and the metadata of two racing writers,
 * happen one writer at a time. Other processes are not covered: the filesystem's own atomic
 * rename and create-only link keep them safe, see the driver's documentation.
 */
export class KeyedLock {
  private readonly tails = new Map<string, Promise<void>>();

  /** Runs `fn` once every earlier holder of `key` has finished. */
  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    const tail = previous.then(() => held);
    this.tails.set(key, tail);

    await previous;
    try {
      return await fn();
    } finally {
      release();
      if (this.tails.get(key) === tail) this.tails.delete(key);
    }
  }

  /** Runs `fn` holding several keys, taken in sorted order so that two callers never deadlock. */
  async runAll<T>(keys: string[], fn: () => Promise<T>): Promise<T> {
    const unique = [...new Set(keys)].sort();
    const take = (index: number): Promise<T> =>
      index === unique.length ? fn() : this.run(unique[index]!, () => take(index + 1));
    return take(0);
  }
}
