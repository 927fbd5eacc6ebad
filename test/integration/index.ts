// The mocha bootstrap that runs INSIDE the VS Code extension host (runTests' extensionTestsPath points at the
// bundled out/test/integration/index.js). It runs every out/test/integration/**/*.test.js, prints each test
// with the spec reporter, writes {passed, failed, failures} to the JSON file named by SCAR_TEST_RESULTS (when
// set), and rejects when any test failed, which makes VS Code exit with a non-zero code.
import * as fs from 'fs';
import * as path from 'path';
import Mocha from 'mocha';

export interface IntegrationFailure {
  title: string;
  file?: string;
  error: string;
}

export interface IntegrationResults {
  passed: number;
  failed: number;
  pending: number;
  durationMs: number;
  failures: IntegrationFailure[];
}

function findTestFiles(dir: string): string[] {
  const out: string[] = [];
  for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) out.push(...findTestFiles(full));
    else if (entry.name.endsWith('.test.js')) out.push(full);
  }
  return out.sort();
}

function writeResults(results: IntegrationResults): void {
  const file = process.env.SCAR_TEST_RESULTS;
  if (!file) return;
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, JSON.stringify(results, null, 2));
}

export function run(): Promise<void> {
  const started = Date.now();
  const mocha = new Mocha({
    ui: 'bdd',
    reporter: 'spec',
    color: false,
    timeout: Number(process.env.SCAR_TEST_TIMEOUT_MS || 30000),
    grep: process.env.SCAR_TEST_GREP || undefined,
  });
  const results: IntegrationResults = { passed: 0, failed: 0, pending: 0, durationMs: 0, failures: [] };
  // This file lives in out/test/integration; the test files are its siblings (and their subfolders).
  const files = findTestFiles(__dirname);
  for (const f of files) mocha.addFile(f);

  return new Promise<void>((resolve, reject) => {
    const finish = (error?: Error): void => {
      results.durationMs = Date.now() - started;
      try {
        writeResults(results);
      } catch (e) {
        reject(new Error(`could not write the results file ${process.env.SCAR_TEST_RESULTS}: ${(e as Error).message}`));
        return;
      }
      if (error) reject(error);
      else if (results.failed > 0) reject(new Error(`${results.failed} integration test(s) failed`));
      else resolve();
    };
    if (files.length === 0) {
      results.failed = 1;
      results.failures.push({ title: 'integration suite', error: `no *.test.js files found under ${__dirname}` });
      finish();
      return;
    }
    try {
      const runner = mocha.run(() => finish());
      runner.on('pass', () => { results.passed++; });
      runner.on('pending', () => { results.pending++; });
      runner.on('fail', (test, err: Error) => {
        results.failed++;
        results.failures.push({
          title: test.fullTitle(),
          file: test.file,
          error: err && err.stack ? err.stack : String(err),
        });
      });
    } catch (e) {
      // a test file that throws while loading lands here
      results.failed++;
      results.failures.push({ title: 'loading the integration tests', error: (e as Error).stack ?? String(e) });
      finish(e as Error);
    }
  });
}
