/**
 * The end every benchmark child shares: run its series with the config main.ts passed as its one argument (JSON),
 * answer the parent over IPC with the report or the error, and exit once the answer is sent — a peer may leave
 * connections or timers behind, which are not ours to wait for.
 */
// `never`: each child's series takes its own config, which main.ts serialised for it.
export function answerParent(name: string, run: (config: never) => Promise<unknown>): void {
  const config = JSON.parse(process.argv[2] ?? '{}') as never;
  const send = (message: unknown) =>
    new Promise<void>((resolve, reject) => {
      if (process.send === undefined) {
        reject(new Error(`${name} is started by its suite's main.ts, with an IPC channel`));
        return;
      }
      process.send(message, (error: Error | null) => {
        if (error) reject(error);
        else resolve();
      });
    });
  run(config)
    .then(
      (report) => send({ ok: true, report }),
      (error: unknown) => {
        process.exitCode = 1;
        return send({ ok: false, error: error instanceof Error ? (error.stack ?? error.message) : String(error) });
      },
    )
    .finally(() => process.exit());
}
