/**
 * Runs `fn` over every item of a (possibly async, possibly huge) iterable with at most
 * `concurrency` calls in flight, pulling items only as workers free up so memory stays flat.
 * The first error thrown by `fn` stops the pulling and is rethrown after in-flight calls settle.
 * An aborted `signal` stops the pulling too (calls in flight finish), without an error.
 */
export async function forEachConcurrent<T>(
  items: Iterable<T> | AsyncIterable<T>,
  concurrency: number,
  fn: (item: T) => Promise<void>,
  signal?: AbortSignal,
): Promise<void> {
  const iterator =
    Symbol.asyncIterator in items
      ? (items as AsyncIterable<T>)[Symbol.asyncIterator]()
      : (items as Iterable<T>)[Symbol.iterator]();
  let failure: { error: unknown } | undefined;
  let pulling: Promise<IteratorResult<T>> = Promise.resolve({ done: false, value: undefined as T });
  // Pulls are serialised: async generators must not be advanced concurrently.
  const next = (): Promise<IteratorResult<T>> => {
    pulling = pulling.then(() => iterator.next());
    return pulling;
  };
  const worker = async () => {
    while (!failure && !signal?.aborted) {
      const step = await next();
      if (step.done) return;
      try {
        await fn(step.value);
      } catch (error) {
        failure ??= { error };
      }
    }
  };
  await Promise.all(Array.from({ length: Math.max(1, concurrency) }, worker));
  if (failure || signal?.aborted) await iterator.return?.();
  if (failure) throw failure.error;
}
