#!/usr/bin/python3
"""SCAR selection over a folder of JSON Lines shards on dask.distributed, with `scar` as a pipe stage.

    /usr/bin/python3 examples/distributed/dask_select.py SHARD_DIR OUT.jsonl --ratio 0.25 [--workers 2]

writes the lines that one `scar select ALL.jsonl --ratio 0.25 --keep-order` would write for ALL.jsonl = the shards
concatenated in file-name order, byte for byte. Stages (docs/distributed.md says what each sends where):

  0. count        per shard: its lines, so that every stage can speak global line numbers (--line-offset)
  1. score+sign   per shard: `scar score - --no-percentile --summary S` and `scar dedup --signatures -`
  2. shuffle      band keys, hashed to P buckets (dask.bag groupby); lines that share a key are candidates
  3. resolve      one task: `scar dedup --resolve -` on the candidate lines (+ foreign lines) -> lines to drop
  4. cut          one task: `scar cut S... --exclude DROPS --ratio R` -> threshold, tiesThrough
  5. select       per shard: `scar select - --threshold T --ties-through L --drop DROPS --keep-order ...`

Every shard must end with a newline (or be empty) and only the first may start with a UTF-8 BOM, so that the
concatenation has the same lines; the script checks both. `--scar` names the command (default: `scar` on PATH;
e.g. "node /opt/scar-lens/bin/scar.js").
"""
import argparse
import glob
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time

import numpy as np
import dask.bag as db
from dask.distributed import Client, LocalCluster, wait

BOM = b"\xef\xbb\xbf"


def run_scar(scar, args, stdin_path=None, stdin_bytes=None):
    """Runs one scar stage; returns its stdout (bytes). A failure raises with scar's own message."""
    cmd = shlex.split(scar) + args
    if stdin_path is not None:
        with open(stdin_path, "rb") as f:
            p = subprocess.run(cmd, stdin=f, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    else:
        p = subprocess.run(cmd, input=stdin_bytes or b"", stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    if p.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} exited with {p.returncode}: {p.stderr.decode(errors='replace').strip()}")
    return p.stdout


# ---- stage 0: count ------------------------------------------------------------------------------------------
def count_shard(part):
    out = []
    for index, path in part:
        lines, last, first = 0, b"", b""
        with open(path, "rb") as f:
            while True:
                chunk = f.read(1 << 20)
                if not chunk:
                    break
                if not first:
                    first = chunk[:3]
                lines += chunk.count(b"\n")
                last = chunk[-1:]
        out.append({"index": index, "path": path, "lines": lines, "newline_end": last in (b"", b"\n"), "bom": first == BOM})
    return out


# ---- stage 1: score + signatures (one scar process per stage per shard, fed the shard on stdin) ---------------
def score_and_sign(part, scar, adapter, score_args, sign_args):
    out = []
    for shard in part:
        offset = str(shard["offset"])
        with tempfile.TemporaryDirectory(prefix="scar-dask-") as tmp:
            summary_path = os.path.join(tmp, "summary.txt")
            # The per-line score rows are not needed here (only the summary): a real job would keep them.
            run_scar(scar, ["score", "-", "--no-percentile", "--line-offset", offset, "--summary", summary_path, "-o", os.devnull] + score_args + adapter, stdin_path=shard["path"])
            with open(summary_path, "rb") as f:
                summary = f.read()
        rows = run_scar(scar, ["dedup", "--signatures", "-", "--line-offset", offset] + sign_args + adapter, stdin_path=shard["path"]).splitlines()
        n = len(rows)
        lines = np.empty(n, dtype=np.int64)
        foreign = np.zeros(n, dtype=bool)
        keys = None
        for i, row in enumerate(rows):
            r = json.loads(row)
            k = np.frombuffer(bytes.fromhex(r["keys"]), dtype=">u4")
            if keys is None:
                keys = np.empty((n, k.shape[0]), dtype=np.uint32)
            lines[i], foreign[i], keys[i] = r["line"], r["foreign"], k
        if keys is None:
            keys = np.empty((0, 0), dtype=np.uint32)
        out.append({**shard, "summary": summary, "sig_lines": lines, "foreign": foreign, "keys": keys})
    return out


# ---- stage 2: the shuffle of band keys ------------------------------------------------------------------------
def key_chunks(part, buckets):
    """(bucket, (keys, lines)) per bucket: a key is (position << 32 | key), so equal keys at the same position meet."""
    out = []
    for shard in part:
        keys, lines = shard["keys"], shard["sig_lines"]
        if keys.size == 0:
            continue
        positions = np.arange(keys.shape[1], dtype=np.uint64)
        combined = ((positions[None, :] << np.uint64(32)) | keys.astype(np.uint64)).ravel()
        owner = np.repeat(lines, keys.shape[1])
        bucket = (combined * np.uint64(0x9E3779B97F4A7C15) >> np.uint64(40)) % np.uint64(buckets)
        for b in range(buckets):
            sel = bucket == b
            if sel.any():
                out.append((b, (combined[sel], owner[sel])))
    return out


def shared_key_lines(group):
    """The lines of one bucket that share a key with another line."""
    _, chunks = group
    keys = np.concatenate([c[0] for c in chunks])
    lines = np.concatenate([c[1] for c in chunks])
    order = np.argsort(keys, kind="stable")
    keys, lines = keys[order], lines[order]
    same_next = keys[1:] == keys[:-1]
    in_run = np.zeros(keys.shape[0], dtype=bool)
    in_run[1:] |= same_next
    in_run[:-1] |= same_next
    return np.unique(lines[in_run])


# ---- stage 3 input: the candidate lines' scores and JSON text -------------------------------------------------
def candidate_rows(part, wanted):
    out = []
    for shard in part:
        lo, hi = shard["offset"], shard["offset"] + shard["lines"]
        mine = wanted[(wanted > lo) & (wanted <= hi)]
        if mine.size == 0:
            continue
        scores = {}
        want = set(int(x) for x in mine)
        for row in shard["summary"].splitlines()[1:]:
            score, line = row.split(b" ")
            if int(line) in want:
                scores[int(line)] = float(score)  # repr() of a float reads back as the same double
        with open(shard["path"], "rb") as f:
            for local, raw in enumerate(f, start=1):
                g = lo + local
                if g not in want:
                    continue
                raw = raw.rstrip(b"\n")
                raw = raw[:-1] if raw.endswith(b"\r") else raw
                if g == 1 and raw.startswith(BOM):
                    raw = raw[3:]
                out.append((g, json.dumps({"line": g, "score": scores.get(g), "record": raw.decode("utf-8")})))
    return out


# ---- stage 5: select ------------------------------------------------------------------------------------------
def select_shard(part, scar, adapter, select_args, drops):
    out = []
    for shard in part:
        lo, hi = shard["offset"], shard["offset"] + shard["lines"]
        mine = drops[(drops > lo) & (drops <= hi)]
        with tempfile.TemporaryDirectory(prefix="scar-dask-") as tmp:
            drop_path = os.path.join(tmp, "drop.txt")
            with open(drop_path, "w") as f:
                f.write("".join(f"{int(x)}\n" for x in mine))
            selected = run_scar(scar, ["select", "-", "--line-offset", str(lo), "--drop", drop_path, "--keep-order", "--no-dedup", "--no-language-filter"] + select_args + adapter, stdin_path=shard["path"])
        out.append((shard["index"], selected))
    return out


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("shards", help="folder of *.jsonl shards (taken in file-name order)")
    ap.add_argument("output", help="where the selected lines go")
    crit = ap.add_mutually_exclusive_group(required=True)
    crit.add_argument("--ratio", type=float)
    crit.add_argument("--top-k", type=int)
    crit.add_argument("--threshold", type=float)
    ap.add_argument("--workers", type=int, default=2, help="LocalCluster worker processes (default 2)")
    ap.add_argument("--scheduler", help="address of a running dask scheduler (instead of a LocalCluster)")
    ap.add_argument("--scar", default=os.environ.get("SCAR", "scar"), help="the scar command (default: $SCAR or scar)")
    ap.add_argument("--buckets", type=int, default=0, help="shuffle buckets (default: 2 per shard)")
    ap.add_argument("--near-dup-threshold", type=float, default=0.5)
    ap.add_argument("--schema")
    ap.add_argument("--turns")
    ap.add_argument("--no-cache", action="store_true", help="pass --no-cache to the scoring stages")
    ap.add_argument("--timings", action="store_true", help="print each stage's wall time on stderr as JSON")
    a = ap.parse_args(argv)

    paths = sorted(glob.glob(os.path.join(a.shards, "*.jsonl")))
    if not paths:
        sys.exit(f"dask_select: no *.jsonl files in {a.shards}")
    adapter = (["--schema", a.schema] if a.schema else []) + (["--turns", a.turns] if a.turns else [])
    cache = ["--no-cache"] if a.no_cache else []
    near = ["--threshold", repr(a.near_dup_threshold)]
    buckets = a.buckets or 2 * len(paths)
    timings = {}

    def stage(name, fn):
        t0 = time.perf_counter()
        r = fn()
        timings[name] = round(time.perf_counter() - t0, 3)
        return r

    cluster = None
    client = Client(a.scheduler) if a.scheduler else Client(cluster := LocalCluster(n_workers=a.workers, threads_per_worker=1, processes=True, dashboard_address=None))
    try:
        n = len(paths)
        shards = stage("count", lambda: db.from_sequence(list(enumerate(paths)), npartitions=n).map_partitions(count_shard).compute())
        offset = 0
        for s in shards:
            if not s["newline_end"]:
                sys.exit(f"dask_select: {s['path']} does not end with a newline: the concatenation would join its last line to the next shard's first")
            if s["bom"] and s["index"] > 0:
                sys.exit(f"dask_select: {s['path']} starts with a UTF-8 BOM: only the first shard may")
            s["offset"] = offset
            offset += s["lines"]

        # Stage 1 stays in the cluster's memory (persist): stages 2, 3 and 4 read it.
        signed = db.from_sequence(shards, npartitions=n).map_partitions(score_and_sign, a.scar, adapter, cache, near + ["--language-filter"])
        def score_sign():
            persisted = client.persist(signed)
            wait(persisted)
            return persisted
        signed = stage("score+sign", score_sign)

        def shuffle():
            groups = signed.map_partitions(key_chunks, buckets).groupby(lambda t: t[0], npartitions=buckets, shuffle="tasks")
            parts = groups.map(lambda g: (g[0], [c for _, c in g[1]])).map(shared_key_lines).compute()
            shared = np.unique(np.concatenate(parts)) if parts else np.empty(0, dtype=np.int64)
            foreign = np.unique(np.concatenate(signed.map_partitions(lambda p: [s["sig_lines"][s["foreign"]] for s in p]).compute() or [np.empty(0, dtype=np.int64)]))
            return np.union1d(shared, foreign).astype(np.int64)
        wanted = stage("shuffle", shuffle)

        def resolve():
            rows = signed.map_partitions(candidate_rows, wanted).compute()
            rows.sort()
            body = "".join(r + "\n" for _, r in rows).encode("utf-8")
            out = client.submit(run_scar, a.scar, ["dedup", "--resolve", "-", "--language-filter"] + near + adapter, None, body).result()
            return np.array(sorted(json.loads(l)["line"] for l in out.splitlines() if l.strip()), dtype=np.int64)
        drops = stage("resolve", resolve)

        def cut():
            if a.threshold is not None:
                return {"threshold": a.threshold, "tiesThrough": None}
            crit = ["--ratio", repr(a.ratio)] if a.ratio is not None else ["--top-k", str(a.top_k)]
            summaries = signed.map_partitions(lambda p: [s["summary"] for s in p]).compute()

            def run_cut(summaries, drops, crit):
                with tempfile.TemporaryDirectory(prefix="scar-dask-cut-") as tmp:
                    files = []
                    for i, s in enumerate(summaries):
                        files.append(os.path.join(tmp, f"s{i}.txt"))
                        with open(files[-1], "wb") as f:
                            f.write(s)
                    with open(os.path.join(tmp, "drops.txt"), "w") as f:
                        f.write("".join(f"{int(x)}\n" for x in drops))
                    return json.loads(run_scar(a.scar, ["cut"] + files + ["--exclude", os.path.join(tmp, "drops.txt")] + crit))
            return client.submit(run_cut, summaries, drops, crit).result()
        c = stage("cut", cut)

        select_args = ["--threshold", repr(float(c["threshold"]))] + cache
        if c["tiesThrough"] is not None:
            select_args += ["--ties-through", str(c["tiesThrough"])]
        parts = stage("select", lambda: db.from_sequence(shards, npartitions=n).map_partitions(select_shard, a.scar, adapter, select_args, drops).compute())
        parts.sort(key=lambda t: t[0])
        tmp_out = a.output + ".tmp"
        with open(tmp_out, "wb") as f:
            for _, data in parts:
                f.write(data)
        os.replace(tmp_out, a.output)
        selected = sum(d.count(b"\n") for _, d in parts)
        print(f"dask_select: {selected} lines selected from {offset} lines in {n} shards; dropped {len(drops)} (duplicates, non-English); cut {json.dumps(c)} -> {a.output}", file=sys.stderr)
        if a.timings:
            print(json.dumps({"timings": timings, "shards": n, "lines": offset, "selected": selected, "candidates": int(wanted.size), "drops": int(drops.size)}), file=sys.stderr)
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


if __name__ == "__main__":
    main()
