/** aws-local-stepfunctions 3 targets Node 22; Node 20 lacks `Promise.withResolvers`. */
const P = Promise as unknown as { withResolvers?: () => unknown };
P.withResolvers ??= <T>() => {
  let resolve!: (value: T) => void;
  let reject!: (reason?: unknown) => void;
  const promise = new Promise<T>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
};

export {};
