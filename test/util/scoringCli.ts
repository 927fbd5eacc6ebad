// Runs `scar score` / `scar select` in-process against the built engine (dist/engine.js) and the bundled model,
// with a private cache folder, and collects what they write.
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import type { Command } from '../../src/cli/command';
import { memoryWriter } from '../../src/cli/output';
import type { ScoringDeps } from '../../src/cli/scoringCommon';
import { distDir, modelsDir } from './paths';

export interface CliRun { code: number; out: string; err: string }

export function scoringDeps(cacheDir: string): ScoringDeps {
  return {
    enginePath: path.join(distDir, 'engine.js'),
    defaultModelDir: modelsDir,
    env: { ...process.env, SCAR_CACHE_DIR: cacheDir },
    progress: false,
  };
}

/** Runs a command the way src/cli/main.ts does (a thrown CLI/usage error is exit 2 with its message). */
export async function runCommand(command: Command, args: string[]): Promise<CliRun> {
  const out = memoryWriter();
  const err = memoryWriter();
  let code: number;
  try {
    code = await command.run(args, { out, err });
  } catch (e) {
    err.write(`scar: ${(e as Error).message}\n`);
    code = ['UsageError', 'CliError'].includes((e as Error).name) ? 2 : 99;
  }
  return { code, out: out.text(), err: err.text() };
}

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/** A realistic mixed-style Alpaca file: `n` lines, deterministic. */
export function alpacaLines(n: number): string[] {
  const styles = [
    (i: number) => `Sure! Here are the steps:\n\n1. **Open** the file.\n2. Edit line ${i}.\n3. Save it.`,
    (i: number) => `just open it and change line ${i} lol`,
    (i: number) => `To do this, you can use the following approach. First, read the file; then, update entry ${i}. Finally, write it back.`,
    (i: number) => `Line ${i}? Ok. Done.`,
    (i: number) => `## Summary\n\n- item ${i}\n- another item\n\n\`\`\`python\nprint(${i})\n\`\`\``,
  ];
  return Array.from({ length: n }, (_, i) => JSON.stringify({ instruction: `How do I change line ${i} of a config file?`, input: i % 3 ? '' : `file ${i}.ini`, output: styles[i % styles.length](i) }));
}
