import type { Reporter, TestModule } from 'vitest/node';
import { NEEDS_SHARED_DATA, SHARED_DATA } from './shared-data.ts';

/** One line at the end of a run: how many tests were skipped for want of ../shared/data. */
export default class SharedDataReporter implements Reporter {
  onTestRunEnd(modules: ReadonlyArray<TestModule>): void {
    let skipped = 0;
    for (const m of modules)
      for (const t of m.children.allTests())
        if (t.name.endsWith(NEEDS_SHARED_DATA) || t.fullName.includes(NEEDS_SHARED_DATA)) skipped++;
    if (skipped > 0)
      process.stdout.write(`\nshared CXR data not found at ${SHARED_DATA}: ${skipped} tests skipped\n`);
  }
}
