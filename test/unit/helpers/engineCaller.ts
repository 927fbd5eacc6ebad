// A stand-in for the extension host in engine tests: starts an EngineClient with the niceness the editor uses,
// prints the engine's pid as JSON, and then waits until it is killed (the test kills it without warning).
import { EngineClient } from '../../../src/engine/client';

async function main(): Promise<void> {
  const [enginePath, modelDir] = process.argv.slice(2);
  const client = new EngineClient({ enginePath, modelDir, cacheDir: null, niceness: 10 });
  await client.start();
  process.stdout.write(`${JSON.stringify({ pid: client.pid })}\n`);
  setInterval(() => undefined, 1 << 30);
}

main().catch((e: Error) => { process.stderr.write(`${e.message}\n`); process.exit(1); });
