/**
 * Builds a service's dependencies once per container (the one way every service wires its deps): the
 * first call starts the build, later calls share it. A failed build (a cold start that could not reach a
 * dependency) is not cached: the next call tries again instead of failing the container for good.
 */
export function lazyDeps<T>(build: () => T | Promise<T>): () => Promise<T> {
  let pending: Promise<T> | undefined;
  return () => {
    if (!pending) {
      const attempt = Promise.resolve().then(build);
      pending = attempt;
      attempt.catch(() => {
        if (pending === attempt) pending = undefined;
      });
    }
    return pending;
  };
}
