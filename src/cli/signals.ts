/** Resolves on the first SIGINT (Ctrl-C) or SIGTERM (`docker stop`, Kubernetes), for commands that serve until stopped. */
export function untilStopped(): Promise<void> {
  return new Promise<void>((resolve) => {
    process.once('SIGINT', resolve);
    process.once('SIGTERM', resolve);
  });
}

/**
 * An AbortSignal that aborts on the first SIGINT or SIGTERM, for loops that finish the step in
 * flight before they stop; `dispose` removes the handlers again.
 */
export function stopOnSignal(): { signal: AbortSignal; dispose: () => void } {
  const controller = new AbortController();
  const abort = () => controller.abort();
  process.once('SIGINT', abort);
  process.once('SIGTERM', abort);
  return {
    signal: controller.signal,
    dispose: () => {
      process.off('SIGINT', abort);
      process.off('SIGTERM', abort);
    },
  };
}
