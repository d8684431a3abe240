/**
 * Registers, in the calling describe block, a beforeAll that starts what
 * `start` starts and hands it to `receive` (the test file keeps its own
 * variables, e.g. `(g) => ({ t, k } = g)`), and an afterAll that stops it
 * with `stop`. When `start` fails there is nothing to stop: its own clean-up
 * has run.
 */
export function startedPerDescribe<G>(start: () => Promise<G>, receive: (started: G) => void, stop: (started: G) => Promise<void>): void {
  let started: G | undefined;
  beforeAll(async () => {
    started = await start();
    receive(started);
  });
  afterAll(async () => {
    if (started !== undefined) await stop(started);
  });
}
