import type { Reporter, TestModule } from 'vitest/node';

/**
 * Prints how many database tests ran per engine (test names carry `[pglite]` or
 * `[postgres]`), and a plain closing line "N passed, N failed, N skipped".
 */
export default class EngineReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>) {
    const perEngine: Record<string, { passed: number; failed: number; skipped: number }> = {
      pglite: { passed: 0, failed: 0, skipped: 0 },
      postgres: { passed: 0, failed: 0, skipped: 0 },
    };
    const total = { passed: 0, failed: 0, skipped: 0 };
    for (const m of modules) {
      for (const t of m.children.allTests()) {
        const state = t.result().state;
        const bucket = state === 'passed' ? 'passed' : state === 'failed' ? 'failed' : 'skipped';
        total[bucket]++;
        const engine = /\[(pglite|postgres)\]/.exec(t.fullName)?.[1];
        if (engine) perEngine[engine]![bucket]++;
      }
    }
    // A failing hook fails its suite without failing a test: count those files too.
    const failedFiles = modules.filter((m) => m.state() === 'failed').length;
    const line = (e: string) => `${e}: ${perEngine[e]!.passed} passed, ${perEngine[e]!.failed} failed, ${perEngine[e]!.skipped} skipped`;
    process.stdout.write(`\nDatabase tests per engine — ${line('pglite')}; ${line('postgres')}\n`);
    process.stdout.write(`${total.passed} passed, ${total.failed} failed, ${total.skipped} skipped; ${failedFiles} failed test files\n`);
  }
}
