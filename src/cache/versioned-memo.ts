/**
 * Values that change only when a write commits (the current term and its calendar), computed once per data version
 * for the whole process instead of once per request (src/cache/response-cache.ts says what the data version is). A
 * value is kept under the version its request read before reading anything else; the entries of older versions are
 * dropped as soon as a newer one is seen. A failed computation is not kept.
 */
export class VersionedMemo {
  private version = -1n;
  private readonly values = new Map<string, Promise<unknown>>();

  get<T>(version: string, key: string, compute: () => Promise<T>): Promise<T> {
    const v = BigInt(version);
    if (v > this.version) {
      this.version = v;
      this.values.clear();
    }
    if (v < this.version) return compute(); // an older request: its own read
    let value = this.values.get(key) as Promise<T> | undefined;
    if (!value) {
      value = compute();
      this.values.set(key, value);
      value.catch(() => {
        if (this.values.get(key) === value) this.values.delete(key);
      });
    }
    return value;
  }
}

/** A request's view of the memo: its data version, until the request writes (then every value is read afresh). */
export interface SharedReads {
  memo: VersionedMemo;
  version: () => Promise<string>;
}
