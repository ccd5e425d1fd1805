/**
 * Waits for `work` to settle (resolved or rejected), but at most `timeoutMs`: true when it
 * settled in time, false when the time ran out. The timer never outlives the wait. For
 * shutdowns that must not hang on a peer that no longer answers.
 */
export async function waitAtMost(work: Promise<unknown>, timeoutMs: number): Promise<boolean> {
  let timer: NodeJS.Timeout | undefined;
  const timedOut = new Promise<false>((resolve) => {
    timer = setTimeout(() => resolve(false), timeoutMs);
  });
  try {
    return await Promise.race([
      work.then(
        () => true,
        () => true,
      ),
      timedOut,
    ]);
  } finally {
    clearTimeout(timer);
  }
}
