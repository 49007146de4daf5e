/**
 * What a Lambda container keeps between invocations: SDK clients, secrets, caches. On AWS one process
 * is one container. The local twin runs every function in one process, each invocation inside its own
 * function's environment; it registers `containerScope` so that state is kept per function, and two
 * functions never share a client, its credentials or a cache, as they never do on AWS.
 */
const SCOPE = Symbol.for('fangfan.containerScope');

type ScopeSource = () => object | undefined;

const scope = (): object => (globalThis as { [SCOPE]?: ScopeSource })[SCOPE]?.() ?? globalThis;

let generation = 0;
const kept = new WeakMap<object, Map<object, { generation: number; value: unknown }>>();

/** One value per container, made on first use. */
export function perContainer<T>(make: () => T): () => T {
  const key = {};
  return () => {
    const owner = scope();
    let values = kept.get(owner);
    if (!values) {
      values = new Map();
      kept.set(owner, values);
    }
    const entry = values.get(key);
    if (entry && entry.generation === generation) return entry.value as T;
    const value = make();
    values.set(key, { generation, value });
    return value;
  };
}

/** Forgets every container's state: SDK clients, secrets, caches (tests swap clients behind mocks; the local runtime starts afresh). */
export function resetContainers(): void {
  generation++;
}

/** For the local twin: which function's container the current invocation runs in. */
export function registerContainerScope(source: ScopeSource): void {
  (globalThis as { [SCOPE]?: ScopeSource })[SCOPE] = source;
}
