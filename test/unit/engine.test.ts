// The engine process through its client: scoring, the caches, cancellation, crashes and restarts, bad models.
// Needs the build (dist/engine.js) and the bundled model (models/).
import * as assert from 'node:assert/strict';
import { spawn } from 'child_process';
import * as fs from 'fs';
import * as os from 'os';
import * as path from 'path';
import { CancelledError, EngineClient, EngineCrashedError, ModelError, childEnvironment, ENGINE_MALLOC_DEFAULTS, type EngineClientOptions } from '../../src/engine/client';
import { lineResults, scoreAll } from '../util/oracles/engine';
import { CACHE_FILE, DiskCache, MemoryLru, RECORD_BYTES, cacheKey } from '../../src/engine/cache';
import { distDir, modelsDir } from '../util/paths';

const enginePath = path.join(distDir, 'engine.js');

function pairs(n: number, tag = 'p'): { instruction: string; response: string }[] {
  return Array.from({ length: n }, (_, i) => ({
    instruction: `Question ${tag} ${i}: how do I sort a list in Python?`,
    response: i % 2 ? `Use sorted(xs) for a new list, or xs.sort() to sort in place (${tag}${i}).` : `**Answer ${i}**\n\n- call \`sorted\`\n- or \`list.sort\` ${tag}`,
  }));
}

describe('engine', function () {
  this.timeout(30000);
  let tmp: string;
  const clients: EngineClient[] = [];
  const client = (o: Partial<EngineClientOptions> = {}): EngineClient => {
    const c = new EngineClient({ enginePath, modelDir: modelsDir, cacheDir: path.join(tmp, 'cache'), env: { SCAR_ENGINE_TEST: '1', SCAR_CACHE_DIR: '' }, restartBackoffMs: 10, ...o });
    clients.push(c);
    return c;
  };

  before(function () {
    assert.ok(fs.existsSync(enginePath), `${enginePath} is missing: run \`node esbuild.js\` first`);
    assert.ok(fs.existsSync(path.join(modelsDir, 'ranker.onnx')), 'models/ranker.onnx is missing');
  });
  beforeEach(() => { tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-engine-')); });
  afterEach(() => {
    while (clients.length) clients.pop()!.dispose();
    fs.rmSync(tmp, { recursive: true, force: true });
  });

  it('scores pairs: three finite numbers each, score = composition + presentation, deterministic', async () => {
    const c = client();
    const input = pairs(150);
    const s = await c.score(input);
    assert.equal(s.length, 150);
    for (const x of s) {
      assert.ok(Number.isFinite(x.score) && Number.isFinite(x.composition) && Number.isFinite(x.presentation));
      assert.ok(Math.abs(x.score - (x.composition + x.presentation)) < 1e-4);
    }
    assert.ok(new Set(s.map((x) => x.score)).size > 1, 'different pairs get different scores');
    // Scored one at a time, the same pairs get the same scores (batching does not change results).
    const fresh = client({ cacheDir: null });
    const single = await fresh.score([input[7]]);
    assert.ok(Math.abs(single[0].score - s[7].score) < 1e-4);
    const stats = await c.stats();
    assert.equal(stats.pairsScored, 150);
    assert.ok(stats.modelId.length > 0);
    assert.ok(stats.loadMs > 0 && stats.peakRss > 0);
  });

  it('answers a second run from the memory cache, and a new engine from the disk cache', async () => {
    const input = pairs(100, 'cache');
    const a = client();
    const first = await a.score(input);
    let st = await a.stats();
    assert.equal(st.cacheMisses, 100);
    assert.equal(st.cacheHits, 0);
    const second = await a.score(input);
    st = await a.stats();
    assert.equal(st.memoryHits, 100, 'second run: all hits');
    assert.equal(st.pairsScored, 100, 'no new inference');
    assert.deepEqual(second, first);
    a.dispose();
    assert.ok(fs.statSync(path.join(tmp, 'cache', CACHE_FILE)).size >= 100 * RECORD_BYTES);

    const b = client();
    const third = await b.score(input);
    st = await b.stats();
    assert.equal(st.diskHits, 100, 'persisted across engine restarts');
    assert.equal(st.pairsScored, 0);
    for (let i = 0; i < 100; i++) assert.ok(Math.abs(third[i].score - first[i].score) < 1e-6);

    // persistentCache: false (--no-cache) neither reads nor writes the disk cache.
    const c = client();
    await c.score(input, { persistentCache: false });
    st = await c.stats();
    assert.equal(st.diskHits, 0);
    assert.equal(st.pairsScored, 100);
  });

  it('does not load or write a disk cache when cacheDir is null', async () => {
    const c = client({ cacheDir: null });
    await c.score(pairs(10));
    const st = await c.stats();
    assert.equal(st.diskFile, null);
    assert.equal(fs.existsSync(path.join(tmp, 'cache')), false);
  });

  it('cancels a running request: the caller gets CancelledError at once, the engine stops and serves the next', async () => {
    const c = client({ cacheDir: null });
    await c.probe.slow(100);
    const ac = new AbortController();
    const big = c.score(pairs(64 * 20, 'cancel'), { signal: ac.signal });
    setTimeout(() => ac.abort(), 250);
    const t0 = Date.now();
    await assert.rejects(big, CancelledError);
    assert.ok(Date.now() - t0 < 1000);
    await c.probe.slow(0);
    const after = await c.score(pairs(3, 'after'));
    assert.equal(after.length, 3);
    const st = await c.stats();
    assert.ok(st.pairsScored < 64 * 10, `the engine stopped early (scored ${st.pairsScored})`);
  });

  it('drops a queued request that is cancelled, and rejects at once when already aborted', async () => {
    const c = client({ cacheDir: null });
    await c.probe.slow(50);
    const running = c.score(pairs(64 * 3, 'run'));
    const ac = new AbortController();
    const queued = c.score(pairs(64 * 3, 'queued'), { signal: ac.signal });
    ac.abort();
    await assert.rejects(queued, CancelledError);
    assert.equal((await running).length, 192);
    const st = await c.stats();
    assert.equal(st.pairsScored, 192, 'the queued request never ran');
    await assert.rejects(c.score(pairs(1), { signal: AbortSignal.abort() }), CancelledError);
  });

  it('scores JSONL lines as they are: blank, problem and scored lines, a line\'s mean over its pairs', async () => {
    const c = client({ cacheDir: null });
    const [a, b] = pairs(2, 'lines');
    const chat = JSON.stringify({ messages: [
      { role: 'user', content: a.instruction }, { role: 'assistant', content: a.response },
      { role: 'user', content: b.instruction }, { role: 'assistant', content: b.response },
    ] });
    const lines = [
      JSON.stringify({ instruction: a.instruction, output: a.response }),
      '   ',
      '{"instruction": "cut off',
      JSON.stringify({ instruction: 'no answer here' }),
      chat,
    ];
    const byPair = await c.score([a, b]);
    const packed = await c.scoreLines(lines, 10, { schema: 'auto', turnPolicy: 'last' });
    assert.ok(packed.kinds instanceof Uint8Array && packed.values instanceof Float64Array, 'answered packed, not an object per line');
    const last = lineResults(packed);
    assert.equal(last.length, 5);
    assert.equal(last[0].kind, 'scored');
    if (last[0].kind === 'scored') {
      assert.equal(last[0].pairs, 1);
      assert.ok(Math.abs(last[0].score - byPair[0].score) < 1e-4, 'the same score as the pair itself');
      assert.ok(Math.abs(last[0].score - (last[0].composition + last[0].presentation)) < 1e-4);
    }
    assert.deepEqual(last[1], { kind: 'blank' });
    assert.equal(last[2].kind, 'error');
    if (last[2].kind === 'error') assert.match(last[2].error, /invalid JSON at column \d+/);
    assert.equal(last[3].kind, 'error');
    assert.equal(last[4].kind, 'scored');
    if (last[4].kind === 'scored') assert.ok(Math.abs(last[4].score - byPair[1].score) < 1e-4, "turn policy 'last': the second exchange");
    const all = lineResults(await c.scoreLines([chat], 1, { schema: 'auto', turnPolicy: 'all' }));
    assert.equal(all[0].kind, 'scored');
    if (all[0].kind === 'scored') {
      assert.equal(all[0].pairs, 2);
      assert.ok(Math.abs(all[0].score - (byPair[0].score + byPair[1].score) / 2) < 1e-4, "turn policy 'all': the mean of both exchanges");
    }
    // A malformed request is refused with a message, and the engine goes on serving.
    await assert.rejects(c.scoreLines('not an array' as unknown as string[], 1, { schema: 'auto', turnPolicy: 'last' }), /lines must be an array/);
    assert.equal(lineResults(await c.scoreLines([lines[0]], 1, { schema: 'auto', turnPolicy: 'last' }))[0].kind, 'scored');
  });

  it('cancels a running score-lines request', async () => {
    const c = client({ cacheDir: null });
    await c.probe.slow(100);
    const ac = new AbortController();
    const lines = pairs(64 * 20, 'cancel-lines').map((p) => JSON.stringify({ instruction: p.instruction, output: p.response }));
    const big = c.scoreLines(lines, 1, { schema: 'auto', turnPolicy: 'last' }, { signal: ac.signal });
    setTimeout(() => ac.abort(), 250);
    await assert.rejects(big, CancelledError);
    await c.probe.slow(0);
    const st = await c.stats();
    assert.ok(st.pairsScored < 64 * 10, `the engine stopped early (scored ${st.pairsScored})`);
  });

  it('serves an urgent request between the batches of a running one, and before queued requests that are not', async () => {
    const c = client({ cacheDir: null });
    const adapter = { schema: 'auto', turnPolicy: 'last' } as const;
    const lines = (n: number, tag: string): string[] => pairs(n, tag).map((p) => JSON.stringify({ instruction: p.instruction, output: p.response }));
    const order: string[] = [];
    const track = <T>(name: string, p: Promise<T>): Promise<T> => p.then((v) => { order.push(name); return v; });
    await c.probe.slow(40); // 40 ms per inference batch: the background request below takes 20 batches, 800 ms or more
    const background = track('background', c.scoreLines(lines(32 * 20, 'bg'), 1, adapter));
    const queued = track('queued', c.scoreLines(lines(8, 'queued'), 1, adapter));
    await new Promise((r) => setTimeout(r, 150)); // the background request is running
    const urgent = await track('urgent', c.scoreLines(lines(8, 'urgent'), 1, adapter, { urgent: true }));
    const [bg] = await Promise.all([background, queued]);
    // Answered before the running request, not after it (no wall-time bound: it would depend on the machine's load).
    assert.deepEqual(order, ['urgent', 'background', 'queued']);
    assert.equal(bg.kinds.length, 640);
    assert.ok(lineResults(bg).every((r) => r.kind === 'scored'), 'the interrupted request still scores every line');
    assert.ok(lineResults(urgent).every((r) => r.kind === 'scored'));
    assert.equal((await c.stats()).urgentBetweenBatches, 1);
    // A running urgent request is not interrupted; a queued urgent one goes before a queued one that is not.
    order.length = 0;
    const first = track('urgent 1', c.scoreLines(lines(32 * 5, 'u1'), 1, adapter, { urgent: true }));
    const later = track('background', c.scoreLines(lines(8, 'bg2'), 1, adapter));
    const second = track('urgent 2', c.scoreLines(lines(8, 'u2'), 1, adapter, { urgent: true }));
    await Promise.all([first, later, second]);
    assert.deepEqual(order, ['urgent 1', 'urgent 2', 'background']);
    assert.equal((await c.stats()).urgentBetweenBatches, 1);
    await c.probe.slow(0);
  });

  it('scoreAll reports progress and returns scores in order', async () => {
    const c = client({ cacheDir: null });
    const input = pairs(300, 'all');
    const seen: number[] = [];
    const all = await scoreAll(c, input, { chunkSize: 64, onProgress: (d) => seen.push(d) });
    const direct = await c.score(input);
    assert.deepEqual(all, direct);
    assert.equal(seen[seen.length - 1], 300);
    assert.ok(seen.length >= 5);
  });

  it('fails pending callers when the engine crashes, then restarts it on the next request', async () => {
    const restarts: string[] = [];
    const c = client({ cacheDir: null, onRestart: (n, why) => restarts.push(`${n}: ${why}`) });
    await c.start();
    const pid1 = c.pid;
    await c.probe.slow(200);
    const pending = c.score(pairs(640, 'crash'));
    await c.probe.crash(100);
    await assert.rejects(pending, (e: Error) => e instanceof EngineCrashedError && /stopped unexpectedly.*SIGKILL/.test(e.message));
    const again = await c.score(pairs(2, 'again'));
    assert.equal(again.length, 2);
    assert.notEqual(c.pid, pid1);
    assert.equal(restarts.length, 1);
    assert.match(restarts[0], /^1: killed by SIGKILL/);
  });

  it('gives up after too many crashes in a row, with the reason', async () => {
    const c = client({ cacheDir: null, maxRestarts: 1 });
    await c.start();
    await c.probe.crash();
    await new Promise((r) => setTimeout(r, 300));
    await c.start(); // restart 1
    await c.probe.crash();
    await new Promise((r) => setTimeout(r, 300));
    await assert.rejects(c.score(pairs(1)), /crashed 2 times in a row; not restarting it \(last: killed by SIGKILL/);
  });

  it('runs a niced engine at low priority, in a scheduler group of its own on Linux, and it exits when its caller is killed', async function () {
    const caller = spawn(process.execPath, [path.join(__dirname, 'helpers', 'engineCaller.js'), enginePath, modelsDir], { stdio: ['ignore', 'pipe', 'inherit'] });
    try {
      const pid = await new Promise<number>((resolve, reject) => {
        let out = '';
        caller.stdout.on('data', (d: Buffer) => { out += d; if (out.includes('\n')) resolve((JSON.parse(out) as { pid: number }).pid); });
        caller.on('exit', (code) => reject(new Error(`the caller exited (${code}) before the engine started`)));
      });
      assert.equal(os.getPriority(pid), 10, 'the engine runs at niceness 10');
      if (process.platform === 'linux' && fs.existsSync('/proc/self/autogroup')) {
        const group = (p: number | 'self'): string => fs.readFileSync(`/proc/${p}/autogroup`, 'utf8').trim();
        assert.notEqual(group(pid).split(' ')[0], group('self').split(' ')[0], 'the engine has an autogroup of its own');
        assert.match(group(pid), /nice 10$/, 'weighted by its niceness');
      }
      caller.kill('SIGKILL'); // the caller dies without a word: the engine must not outlive it
      const alive = (p: number): boolean => {
        try {
          process.kill(p, 0);
          // An exited process no one has reaped yet (a zombie) still answers signal 0.
          const stat = process.platform === 'linux' ? fs.readFileSync(`/proc/${p}/stat`, 'utf8') : '';
          return !/^\d+ \(.*\) Z/.test(stat);
        } catch {
          return false; // gone (possibly between the two checks)
        }
      };
      const t0 = Date.now();
      while (alive(pid) && Date.now() - t0 < 5000) await new Promise((r) => setTimeout(r, 50));
      assert.equal(alive(pid), false, 'the engine exited when its caller was killed');
    } finally {
      caller.kill('SIGKILL');
    }
  });

  it('starts the engine with glibc malloc held to two arenas, unless the caller set MALLOC_ARENA_MAX itself', async function () {
    assert.equal(childEnvironment({}, ENGINE_MALLOC_DEFAULTS).MALLOC_ARENA_MAX, '2');
    assert.equal(childEnvironment({ MALLOC_ARENA_MAX: '8' }, ENGINE_MALLOC_DEFAULTS).MALLOC_ARENA_MAX, '8', "the caller's own value wins");
    assert.equal(childEnvironment({ ELECTRON_RUN_AS_NODE: '' }).ELECTRON_RUN_AS_NODE, '1');
    if (process.platform !== 'linux') this.skip(); // the process environment is read from /proc
    const environ = (pid: number): Map<string, string> => new Map(fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0').filter(Boolean)
      .map((kv) => [kv.slice(0, kv.indexOf('=')), kv.slice(kv.indexOf('=') + 1)] as [string, string]));
    const { pid } = await client().start();
    // This process's own MALLOC_ARENA_MAX, when it has one, is the caller's choice and wins.
    assert.equal(environ(pid).get('MALLOC_ARENA_MAX'), process.env.MALLOC_ARENA_MAX ?? '2', 'the running engine has the cap');
    const own = client({ env: { SCAR_ENGINE_TEST: '1', SCAR_CACHE_DIR: '', MALLOC_ARENA_MAX: '4' } });
    assert.equal(environ((await own.start()).pid).get('MALLOC_ARENA_MAX'), '4');
  });

  it('ignores the crash request without SCAR_ENGINE_TEST', async () => {
    const c = client({ cacheDir: null, env: { SCAR_ENGINE_TEST: '0' } });
    await assert.rejects(c.probe.slow(10), /test hook/);
    assert.equal((await c.score(pairs(1))).length, 1);
  });

  function modelCopy(): string {
    const dir = path.join(tmp, 'model');
    fs.mkdirSync(dir);
    for (const f of fs.readdirSync(modelsDir)) if (fs.statSync(path.join(modelsDir, f)).isFile()) fs.copyFileSync(path.join(modelsDir, f), path.join(dir, f));
    return dir;
  }

  it('names the file of a corrupt model', async () => {
    const dir = modelCopy();
    fs.writeFileSync(path.join(dir, 'ranker.onnx'), Buffer.from('this is not an onnx model at all'));
    const c = client({ modelDir: dir, cacheDir: null });
    await assert.rejects(c.score(pairs(1)), (e: Error) => e instanceof ModelError && e.message.startsWith(`cannot load ranker model '${path.join(dir, 'ranker.onnx')}': `));
    // The error is not a crash: asking again gives the same clear message, not "crashed N times".
    await assert.rejects(c.score(pairs(1)), /cannot load ranker model/);
  });

  it('names the missing model file, its missing weights file and a broken featuriser file', async () => {
    const dir = modelCopy();
    fs.unlinkSync(path.join(dir, 'ranker.onnx'));
    const c = client({ modelDir: dir, cacheDir: null });
    await assert.rejects(c.score(pairs(1)), new RegExp(`cannot load ranker model '${path.join(dir, 'ranker.onnx').replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}': the file does not exist`));
    fs.copyFileSync(path.join(modelsDir, 'ranker.onnx'), path.join(dir, 'ranker.onnx'));
    fs.unlinkSync(path.join(dir, 'ranker.onnx.data'));
    await assert.rejects(c.score(pairs(1)), (e: Error) => e instanceof ModelError
      && e.message.startsWith(`cannot load ranker model '${path.join(dir, 'ranker.onnx')}': `) && e.message.includes(path.join(dir, 'ranker.onnx.data')));
    fs.copyFileSync(path.join(modelsDir, 'ranker.onnx.data'), path.join(dir, 'ranker.onnx.data'));
    fs.writeFileSync(path.join(dir, 'featuriser.json'), '{ not json');
    await assert.rejects(c.score(pairs(1)), (e: Error) => e instanceof ModelError && e.message.includes(path.join(dir, 'featuriser.json')));
  });
});

describe('engine: disk cache file', () => {
  let dir: string;
  beforeEach(() => { dir = fs.mkdtempSync(path.join(os.tmpdir(), 'scar-cache-')); });
  afterEach(() => fs.rmSync(dir, { recursive: true, force: true }));
  const key = (i: number) => cacheKey('m', `q${i}`, `a${i}`);
  const val = (i: number) => ({ score: i + 0.5, composition: i, presentation: 0.5 });

  it('round-trips entries through the file and keys by model id and both texts', () => {
    const a = DiskCache.open(dir);
    for (let i = 0; i < 5000; i++) a.set(key(i), val(i));
    a.flush();
    const b = DiskCache.open(dir);
    assert.equal(b.size, 5000);
    for (let i = 0; i < 5000; i += 37) assert.deepEqual(b.get(key(i)), val(i));
    assert.equal(b.get(cacheKey('other-model', 'q1', 'a1')), undefined);
    assert.notDeepEqual(cacheKey('m', 'a\0b', 'c'), cacheKey('m', 'a', 'b\0c'), 'texts cannot shift into each other');
    assert.notDeepEqual(cacheKey('m1', 'q', 'a'), cacheKey('m', '1q', 'a'));
  });

  it('cuts a torn last record and replaces a file with a foreign header', () => {
    const a = DiskCache.open(dir);
    for (let i = 0; i < 10; i++) a.set(key(i), val(i));
    a.flush();
    fs.appendFileSync(path.join(dir, CACHE_FILE), Buffer.alloc(7, 1)); // a crash mid-append
    const b = DiskCache.open(dir);
    assert.equal(b.size, 10);
    assert.deepEqual(b.get(key(9)), val(9));
    assert.equal((fs.statSync(path.join(dir, CACHE_FILE)).size - 16) % RECORD_BYTES, 0);
    fs.writeFileSync(path.join(dir, CACHE_FILE), 'garbage that is not a cache file');
    const c = DiskCache.open(dir);
    assert.equal(c.size, 0);
    c.set(key(1), val(1));
    c.flush();
    assert.deepEqual(DiskCache.open(dir).get(key(1)), val(1));
  });

  it('stays within its bound by compacting to the newest half', () => {
    const a = DiskCache.open(dir, 100);
    for (let i = 0; i < 250; i++) { a.set(key(i), val(i)); if (i % 10 === 9) a.flush(); }
    assert.ok(a.size <= 100, `size ${a.size}`);
    const b = DiskCache.open(dir, 100);
    assert.ok(b.size <= 100 && b.size >= 50);
    assert.deepEqual(b.get(key(249)), val(249), 'the newest entry survives');
    assert.equal(b.get(key(0)), undefined, 'the oldest is gone');
    assert.ok(fs.statSync(path.join(dir, CACHE_FILE)).size <= 16 + 100 * RECORD_BYTES);
  });
});

describe('engine: memory cache', () => {
  const key = (i: number) => cacheKey('m', `q${i}`, `a${i}`);
  const val = (i: number) => ({ score: i + 0.25, composition: -i, presentation: 0.5 });

  it('keeps the most recently used entries, reuses the oldest slot, and returns the stored scores', () => {
    const lru = new MemoryLru(3);
    for (let i = 0; i < 3; i++) lru.set(key(i), val(i));
    assert.deepEqual(lru.get(key(0)), val(0), 'a hit also makes 0 the most recent');
    lru.set(key(3), val(3)); // evicts 1, the least recently used
    assert.equal(lru.size, 3);
    assert.equal(lru.get(key(1)), undefined);
    assert.deepEqual([0, 2, 3].map((i) => lru.get(key(i))), [val(0), val(2), val(3)]);
    lru.set(key(2), val(7)); // an update keeps one entry
    assert.equal(lru.size, 3);
    assert.deepEqual(lru.get(key(2)), val(7));
  });

  it('stores scores as the model gives them (float32) and NaN components of a ranker without them', () => {
    const lru = new MemoryLru(2);
    const f = Math.fround(-2.3917);
    lru.set(key(1), { score: f, composition: NaN, presentation: NaN });
    const got = lru.get(key(1))!;
    assert.equal(got.score, f);
    assert.ok(Number.isNaN(got.composition) && Number.isNaN(got.presentation));
  });
});
