// Where things are, for tests that are bundled into out/test/** (so __dirname is not the source folder).
import * as fs from 'fs';
import * as path from 'path';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    const pkg = path.join(dir, 'package.json');
    if (fs.existsSync(pkg) && JSON.parse(fs.readFileSync(pkg, 'utf8')).name === 'scar-lens') return dir;
    const up = path.dirname(dir);
    if (up === dir) throw new Error(`cannot find the scar-lens repository above ${start}`);
    dir = up;
  }
}

export const repoRoot = findRepoRoot(__dirname);
export const fixturesDir = path.join(repoRoot, 'test', 'fixtures');
export const modelsDir = path.join(repoRoot, 'models');
export const distDir = path.join(repoRoot, 'dist');
export const fixture = (name: string): string => path.join(fixturesDir, name);
