"""What a change of encoder costs: re-encoding and re-indexing N listings as `techbroker
reindex --profile P` does, with time and peak RSS.

    .venv/bin/python -m scripts.bench_reindex --listings 100000 --profile use [--json out.json]

The listings are synthetic: titles and texts combined from the demo phrases
(`backend/demo/listing_phrases.py`) with a serial number, so every text is new to the cache.
They are read in batches of 2,000 (as `IndexService.rebuild` reads the database), encoded
through the on-disk embedding cache (written every 1,024 texts), indexed, compacted and
published as one version, as the command does; the database read itself is left out.

Each run is its own process, so each peak RSS is its own:

    cold     an empty embedding cache: every text goes to the model (the change of encoder)
    killed   the same, killed after half its cache writes (nothing is published)
    resumed  run again after `killed`: only what the killed run had not encoded goes to the model
    warm     everything cached: a rerun with no new text (the index build alone)
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from decimal import Decimal
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(REPO))

from backend.demo.listing_phrases import phrases  # noqa: E402
from matching import CachedEncoder, Document, Encoder, Matcher, config_for  # noqa: E402
from matching.cache import EmbeddingCache  # noqa: E402
from matching.encoders import FloatMatrix, get_encoder  # noqa: E402

BATCH = 2000  # listings read and added at a time (backend.matches.documents.CHUNK)
REGIONS = ["福州市", "厦门市", "泉州市", "漳州市", "莆田市", "三明市", "南平市", "龙岩市", "宁德市"]
RUNS = ("cold", "killed", "resumed", "warm")


def documents(n: int, batch_size: int = BATCH, seed: int = 2026) -> Iterator[list[Document]]:
    """`n` listings, half demands and half achievements in wording, `batch_size` at a time."""
    rng = random.Random(seed)
    table = sorted(phrases().items())
    batch: list[Document] = []
    for i in range(n):
        code, p = rng.choice(table)
        topic = rng.choice(p.topics)
        if i % 2:
            text = (f"寻求{topic}技术（需求编号 D{i:07d}）\n{rng.choice(p.problems)}，希望"
                    f"{rng.choice(p.goals)}，应用于{rng.choice(p.uses)}。")
        else:
            text = (f"{topic}关键技术及应用（成果编号 A{i:07d}）\n采用{rng.choice(p.methods)}，"
                    f"{rng.choice(p.goals)}，已用于{rng.choice(p.uses)}。")
        batch.append(Document(str(i + 1), text, field=code, region=rng.choice(REGIONS),
                              modes=frozenset({"transfer"}), trl=rng.randint(3, 9),
                              price=Decimal(rng.randint(10, 500) * 10_000), status="published",
                              visibility="public"))
        if len(batch) == batch_size:
            yield batch
            batch = []
    if batch:
        yield batch


class Counting:
    """Counts the texts that reach the model; raises after `stop_after` calls (a kill)."""

    def __init__(self, inner: Encoder, stop_after: int | None) -> None:
        self.inner, self.stop_after = inner, stop_after
        self.calls = self.texts = 0

    @property
    def name(self) -> str:
        return self.inner.name

    @property
    def dim(self) -> int:
        return self.inner.dim

    def encode(self, texts: list[str]) -> FloatMatrix:
        if self.stop_after is not None and self.calls >= self.stop_after:
            raise KeyboardInterrupt("killed")
        self.calls += 1
        self.texts += len(texts)
        return self.inner.encode(texts)


def _usage() -> dict[str, Any]:
    """Peak RSS and CPU seconds of this process so far (CPU: wall time on a shared machine
    says more about the neighbours)."""
    use = resource.getrusage(resource.RUSAGE_SELF)
    return {"peak_rss_mb": round(use.ru_maxrss / 1024),
            "cpu_s": round(use.ru_utime + use.ru_stime, 1)}


def one_run(args: argparse.Namespace) -> dict[str, Any]:
    """One reindex in this process (`--run`): what the parent reports."""
    config = config_for(args.profile)
    work = Path(args.work)
    cache = EmbeddingCache(work / "cache")
    n_batches = -(-args.listings // args.batch)
    calls_per_batch = -(-args.batch // 1024)  # encode_batched's chunk: one cache write each
    # killed after half its cache writes (rounded down)
    stop_after = n_batches * calls_per_batch // 2 if args.run == "killed" else None
    counters = {ch: Counting(get_encoder(ch), stop_after) for ch in config.encoders}
    encoders: dict[str, Encoder] = {ch: CachedEncoder(c, cache) for ch, c in counters.items()}
    started = time.perf_counter()
    for channel in config.encoders:  # load the model before the clock of the encoding starts
        counters[channel].inner.encode(["预热 warm-up"])
    loaded = time.perf_counter()
    matcher = Matcher("achievements", config, encoders=encoders, profile=args.profile)
    out: dict[str, Any] = {"run": args.run, "model_load_s": round(loaded - started, 1)}
    try:
        for batch in documents(args.listings, args.batch):
            matcher.add(batch)
    except KeyboardInterrupt:
        out.update(killed=True, cached=cache.count(), texts_encoded=sum(
            c.texts for c in counters.values()), seconds=round(time.perf_counter() - loaded, 1),
            **_usage())
        return out
    added = time.perf_counter()
    matcher.compact()
    version = matcher.save(work / "index")
    done = time.perf_counter()
    out.update(killed=False, documents=len(matcher), version=version,
               texts_encoded=sum(c.texts for c in counters.values()),
               encode_and_add_s=round(added - loaded, 1),
               compact_and_save_s=round(done - added, 1), seconds=round(done - loaded, 1),
               listings_per_s=round(len(matcher) / max(done - loaded, 1e-9)), **_usage())
    return out


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawTextHelpFormatter)
    p.add_argument("--listings", type=int, default=10_000)
    p.add_argument("--profile", default="use", help="default, use, minilm, hash or bm25")
    p.add_argument("--runs", default=",".join(RUNS), help="which of " + ", ".join(RUNS))
    p.add_argument("--json", type=Path, help="also write the figures here")
    p.add_argument("--batch", type=int, default=BATCH, help=argparse.SUPPRESS)  # tests
    p.add_argument("--run", choices=RUNS, help=argparse.SUPPRESS)  # a child process's run
    p.add_argument("--work", help=argparse.SUPPRESS)
    args = p.parse_args(argv)
    if args.run:
        print(json.dumps(one_run(args)))
        return 0
    config_for(args.profile)  # an unknown profile fails here, not in a child
    wanted = [r for r in args.runs.split(",") if r]
    results: list[dict[str, Any]] = []
    with tempfile.TemporaryDirectory(prefix="bench-reindex-") as tmp:
        for run in RUNS:
            if run not in wanted and not (run == "killed" and "resumed" in wanted):
                continue
            work = Path(tmp) / ("cold" if run in ("cold", "warm") else "resume")
            if run in ("cold", "killed"):
                shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True, exist_ok=True)
            child = subprocess.run(  # noqa: S603 — this script, with its own arguments
                [sys.executable, "-m", "scripts.bench_reindex", "--run", run, "--work",
                 str(work), "--listings", str(args.listings), "--profile", args.profile,
                 "--batch", str(args.batch)],
                cwd=REPO, capture_output=True, text=True, check=False)
            if child.returncode != 0:
                sys.stderr.write(child.stderr)
                return child.returncode
            row = json.loads(child.stdout.strip().splitlines()[-1])
            results.append(row)
            print(f"{run:8} {row['seconds']:8.1f} s  (CPU {row['cpu_s']} s)  texts to the model "
                  f"{row['texts_encoded']:>9,}  peak RSS {row['peak_rss_mb']:>6,} MB  "
                  f"(model load {row['model_load_s']} s"
                  + ("" if row["killed"] else
                     f"; encode+add {row['encode_and_add_s']} s, compact+save "
                     f"{row['compact_and_save_s']} s, {row['listings_per_s']:,} listings/s")
                  + ")", flush=True)
    summary = {"listings": args.listings, "profile": args.profile, "runs": results,
               "load_average": [round(x, 2) for x in os.getloadavg()]}
    print(f"load average {summary['load_average']}", flush=True)
    if args.json:
        args.json.write_text(json.dumps(summary, indent=1), encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
