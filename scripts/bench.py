"""`make bench`: this assistant against a stock `rasa init` assistant, one run, this machine, REST.

    python -m scripts.bench                  # trains both from scratch (about 12 min on 2 cores)
    python -m scripts.bench --skip-training  # serve models/'s newest; the stock one is still trained (about 1 min)

Both run the same Rasa (3.6.21). The stock assistant is `rasa init --no-prompt` in a temporary
directory, trained by this script and served by `rasa run` as it comes (in-memory tracker store, no
action server). This assistant is `scripts/run.sh` as `make run` starts it (SQLite, the action
server), and the scaled-out set-up (`DEPLOYMENT=scaled`: PostgreSQL, Redis, RabbitMQ, nginx) with one
replica's port against the balancer's two.

For each server: median and p95 latency with 1 sender and with 20 concurrent senders, throughput at
20 senders, peak resident memory (VmHWM) of the Rasa process, time from start to the first answer;
for this assistant, the emergency reply's latency while 20 senders talk (once with the safety sets'
messages, about half of them reports, and once with topic questions only); training time from an empty
cache. Writes results/bench/bench.json and results/bench/table.md, and prints the table.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import os
import shutil
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Callable, Dict, List, Sequence, Tuple

from evaluation.git import git
from evaluation.paths import ROOT
from evaluation.rest_client import RestSender, SenderBook, replies_to
from evaluation.running import free_port, pid_of, scaled_environment, start_assistant
from evaluation.sets import nlu_sets, readable, readable_safety_examples
from scripts.benchmark import percentiles, status_mb

RASA = [sys.executable, "-m", "rasa"]
ENV = {**os.environ, "RASA_TELEMETRY_ENABLED": "false", "TF_CPP_MIN_LOG_LEVEL": "3", "PYTHONPATH": str(ROOT)}
EMERGENCY_TEXT = "the screw is poking out through the skin on my back"
SEQUENTIAL_MESSAGES = 100
CONCURRENT_SENDERS = 20
CONCURRENT_REQUESTS = 400
# Targets from issue 14, as ratios to the stock assistant in the same run.
TARGETS = {"median_latency_ratio": 0.5, "throughput_ratio": 2.0, "peak_memory_ratio": 1.0, "replica_scaling": 1.6}
EMERGENCY_P95_TARGET_MS = 300.0


def measured_commit() -> str:
    """The commit measured, marked "+uncommitted changes" when the working tree differs from it."""
    commit = git("rev-parse", "--short", "HEAD", check=False)
    changed = git("status", "--porcelain", "--untracked-files=no", check=False)
    return f"{commit}+uncommitted changes" if changed else commit


def peak_rss_mb(pid: int | None) -> float | None:
    return None if pid is None else status_mb(pid, "VmHWM")


def wait_for_first_answer(url: str, started: float, senders: SenderBook, timeout: float = 600) -> float:
    """Seconds from `started` until the REST channel first answers a message with a reply."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            _, replies = replies_to(url, senders(f"first-{uuid.uuid4().hex[:6]}"), "hello", timeout=10)
            if replies:
                return round(time.monotonic() - started, 1)
        except OSError:  # not listening yet, or refusing while it starts
            pass
        time.sleep(0.25)
    raise TimeoutError(f"no answer from {url} within {timeout} s")


@dataclass
class Load:
    """What a server did under the benchmark's load."""

    sequential: Dict[str, float]
    concurrent: Dict[str, float]
    requests_per_s: float
    emergency: Dict[str, float] | None = None
    emergency_replies_ok: bool | None = None
    errors: int = 0


def run_load(
    url: str, texts: Sequence[str], senders: SenderBook, with_emergencies: Callable[[str], bool] | None = None
) -> Load:
    # Senders keep ten-message conversations, as in scripts/benchmark.py (and within the rate limit);
    # each run has its own senders, opened before the clock starts.
    run = uuid.uuid4().hex[:6]
    replies_to(url, senders(f"warm-up-{run}"), "hello")
    sequential = [
        replies_to(url, senders(f"seq-{run}-{n // 10}"), text)[0] for n, text in enumerate(texts[:SEQUENTIAL_MESSAGES])
    ]
    jobs = [
        (senders(f"load-{run}-{i % CONCURRENT_SENDERS}-{i // (CONCURRENT_SENDERS * 10)}"), texts[i % len(texts)])
        for i in range(CONCURRENT_REQUESTS)
    ]
    # Every emergency probe is a new conversation.
    probes = iter([senders(f"emergency-{run}-{n}") for n in range(200)] if with_emergencies else [])
    errors = 0
    emergency_ms: List[float] = []
    emergency_ok: List[bool] = []
    done = threading.Event()

    def emergencies() -> None:
        while not done.is_set():
            probe = next(probes, None)
            if probe is None:
                break
            try:
                elapsed, replies = replies_to(url, probe, EMERGENCY_TEXT)
            except OSError:
                emergency_ok.append(False)  # a failed emergency request counts as a wrong reply
            else:
                emergency_ms.append(elapsed)
                emergency_ok.append(
                    bool(replies) and with_emergencies is not None and with_emergencies(replies[0].get("text", ""))
                )
            done.wait(0.5)

    def one(job: Tuple[RestSender, str]) -> float | None:
        nonlocal errors
        try:
            return replies_to(url, *job)[0]
        except OSError:
            errors += 1
            return None

    watcher = threading.Thread(target=emergencies, daemon=True) if with_emergencies else None
    start = time.perf_counter()
    if watcher:
        watcher.start()
    with ThreadPoolExecutor(max_workers=CONCURRENT_SENDERS) as pool:
        concurrent = [ms for ms in pool.map(one, jobs) if ms is not None]
    elapsed = time.perf_counter() - start
    done.set()
    if watcher:
        watcher.join(timeout=60)
    return Load(
        sequential=percentiles(sequential),
        concurrent=percentiles(concurrent),
        requests_per_s=round(len(concurrent) / elapsed, 1),
        emergency=percentiles(emergency_ms) if emergency_ms else None,
        emergency_replies_ok=all(emergency_ok) if emergency_ok else None,
        errors=errors,
    )


@dataclass
class ServerResult:
    name: str
    first_answer_s: float
    load: Load
    rasa_peak_mb: float | None
    other_peak_mb: Dict[str, float | None] = field(default_factory=dict)
    training_s: float | None = None
    # The same load made of topic questions only, the way most traffic is: no emergency in it but the probe's.
    questions_load: Load | None = None


def timed(command: List[str], cwd: Path, env: Dict[str, str], log: Path) -> float:
    start = time.monotonic()
    with log.open("w") as out:
        subprocess.run(command, cwd=cwd, env=env, stdout=out, stderr=subprocess.STDOUT, check=True)
    return round(time.monotonic() - start, 1)


def stock_assistant(work: Path, texts: Sequence[str]) -> ServerResult:
    """`rasa init --no-prompt` (it trains the demo bot: about a minute), then `rasa run`."""
    project = work / "stock"
    project.mkdir()  # rasa init wants the directory to be there
    env = {**ENV, "RASA_CACHE_DIRECTORY": str(work / "stock-cache")}
    training_s = timed([*RASA, "init", "--no-prompt", "--init-dir", str(project)], work, env, work / "stock-init.log")
    port = free_port()
    started = time.monotonic()
    server = subprocess.Popen(
        [*RASA, "run", "--model", "models", "--port", str(port), "--credentials", "credentials.yml"],
        cwd=project,
        env=env,
        stdout=(work / "stock-run.log").open("w"),
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    url = f"http://127.0.0.1:{port}"
    senders = SenderBook(url, issued=False)  # stock Rasa's REST channel takes any sender id
    try:
        first = wait_for_first_answer(url, started, senders)
        load = run_load(url, texts, senders)
        peak = peak_rss_mb(server.pid)
    finally:
        server.terminate()
        server.wait(timeout=60)
    return ServerResult("stock rasa init", first, load, peak, training_s=training_s)


def train_ours(work: Path) -> float:
    env = {**ENV, "RASA_CACHE_DIRECTORY": str(work / "ours-cache")}
    command = [*RASA, "train", "--data", "data/nlu", "data/rules", "data/stories", "--domain", "domain.yml"]
    command += ["--config", "config.yml", "--out", str(work / "ours-models")]
    return timed(command, ROOT, env, work / "ours-train.log")


def is_emergency_reply(text: str) -> bool:
    from tests.conftest import emergency_opening

    return text.startswith(emergency_opening())


def this_assistant(work: Path, texts: Sequence[str], training_s: float | None) -> ServerResult:
    data = work / "ours"
    data.mkdir()
    started = time.monotonic()
    assistant = start_assistant(data, timeout=600)
    url = assistant.rasa_url
    senders = SenderBook(url)
    try:
        first = wait_for_first_answer(url, started, senders)
        load = run_load(url, texts, senders, with_emergencies=is_emergency_reply)
        questions = run_load(url, question_texts(), senders, with_emergencies=is_emergency_reply)
        port = assistant.rasa_url.rsplit(":", 1)[1]
        peak = peak_rss_mb(pid_of("assistant.rasa_server", f"--port {port}"))
        others = {"action server": peak_rss_mb(assistant.action_server_pid())}
    finally:
        assistant.stop()
    return ServerResult("this assistant", first, load, peak, others, training_s=training_s, questions_load=questions)


def question_texts() -> List[str]:
    """The topic questions of the readable NLU sets."""
    return [
        example.text
        for evaluation_set in readable(nlu_sets())
        for example in evaluation_set.examples()
        if example.label.startswith("ask_")
    ]


def scaled_assistant(work: Path, texts: Sequence[str]) -> Tuple[ServerResult, ServerResult]:
    """The scaled-out set-up: one replica's own port, then the balancer in front of both."""
    from tests.fakes.postgres import throwaway_database
    from tests.fakes.rabbitmq import delete_queue

    data = work / "scaled"
    data.mkdir()
    ports = (free_port(), free_port())
    with throwaway_database("bench", create=False) as database:
        env = scaled_environment(database, ports, lock_db=11, socketio_db=10)
        started = time.monotonic()
        try:
            assistant = start_assistant(data, timeout=600, extra_env=env)
        except BaseException:
            delete_queue(env["RABBITMQ_QUEUE"], env["RABBITMQ_EXCHANGE"])
            raise
        try:
            balancer = assistant.rasa_url
            replica = f"http://127.0.0.1:{ports[0]}"
            first = wait_for_first_answer(balancer, started, SenderBook(balancer))
            one = run_load(replica, texts, SenderBook(replica), is_emergency_reply)
            two = run_load(balancer, texts, SenderBook(balancer), is_emergency_reply)
            peaks = [peak_rss_mb(pid_of("assistant.rasa_server", f"--port {port}")) for port in ports]
        finally:
            assistant.stop()
            delete_queue(env["RABBITMQ_QUEUE"], env["RABBITMQ_EXCHANGE"])
    return (
        ServerResult("scaled, one replica", first, one, peaks[0]),
        ServerResult("scaled, two replicas", first, two, max(p or 0 for p in peaks), {"each replica": peaks[1]}),
    )


def ratio(ours: float | None, stock: float | None) -> float | None:
    return round(ours / stock, 2) if ours is not None and stock else None


def table(results: List[ServerResult]) -> List[str]:
    stock, ours = results[0], results[1]
    lines = [
        "| | " + " | ".join(r.name for r in results) + " |",
        "|---|" + "---|" * len(results),
    ]

    def row(label: str, value: Callable[[ServerResult], Any]) -> None:
        lines.append(f"| {label} | " + " | ".join("–" if value(r) is None else str(value(r)) for r in results) + " |")

    row("median latency, 1 sender (ms)", lambda r: r.load.sequential["p50_ms"])
    row("p95 latency, 1 sender (ms)", lambda r: r.load.sequential["p95_ms"])
    row("median latency, 20 senders (ms)", lambda r: r.load.concurrent["p50_ms"])
    row("p95 latency, 20 senders (ms)", lambda r: r.load.concurrent["p95_ms"])
    row("throughput, 20 senders (req/s)", lambda r: r.load.requests_per_s)
    row(
        "emergency reply p95, 20 senders of safety-set messages (ms)",
        lambda r: r.load.emergency["p95_ms"] if r.load.emergency else None,
    )
    row(
        "emergency reply p95, 20 senders asking topic questions (ms)",
        lambda r: r.questions_load.emergency["p95_ms"] if r.questions_load and r.questions_load.emergency else None,
    )
    row("peak memory, Rasa process (MB)", lambda r: r.rasa_peak_mb)
    row("time to first answer after start (s)", lambda r: r.first_answer_s)
    row("training from an empty cache (s)", lambda r: r.training_s)
    row("failed requests", lambda r: r.load.errors)
    row(
        "every emergency reply opened with the emergency text",
        lambda r: None if r.load.emergency_replies_ok is None else ("yes" if r.load.emergency_replies_ok else "NO"),
    )
    lines.append("")
    checks = {
        "median latency, ours / stock": (
            ratio(ours.load.sequential["p50_ms"], stock.load.sequential["p50_ms"]),
            "≤",
            TARGETS["median_latency_ratio"],
        ),
        "throughput at 20 senders, ours / stock": (
            ratio(ours.load.requests_per_s, stock.load.requests_per_s),
            "≥",
            TARGETS["throughput_ratio"],
        ),
        "peak memory, ours / stock": (ratio(ours.rasa_peak_mb, stock.rasa_peak_mb), "≤", TARGETS["peak_memory_ratio"]),
    }
    if len(results) == 4:
        one, two = results[2], results[3]
        checks["two replicas / one, throughput"] = (
            ratio(two.load.requests_per_s, one.load.requests_per_s),
            "≥",
            TARGETS["replica_scaling"],
        )
    emergency = ours.load.emergency["p95_ms"] if ours.load.emergency else None
    checks["emergency reply p95 at 20 senders (ms)"] = (emergency, "≤", EMERGENCY_P95_TARGET_MS)
    questions = ours.questions_load.emergency if ours.questions_load else None
    checks["emergency reply p95 at 20 senders asking questions (ms)"] = (
        questions["p95_ms"] if questions else None,
        "≤",
        EMERGENCY_P95_TARGET_MS,
    )
    lines += ["| target | measured | wanted | met |", "|---|---|---|---|"]
    for label, (value, sign, wanted) in checks.items():
        met = value is not None and (value <= wanted if sign == "≤" else value >= wanted)
        lines.append(f"| {label} | {value} | {sign} {wanted} | {'yes' if met else 'no'} |")
    return lines


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--skip-training", action="store_true", help="serve models/'s newest; only the stock assistant is trained"
    )
    parser.add_argument("--no-scaled", action="store_true", help="leave out the scaled-out set-up")
    args = parser.parse_args(argv)
    texts = [m.text for messages in readable_safety_examples().values() for m in messages]
    work = Path(tempfile.mkdtemp(prefix="bench-"))
    print(f"==> logs in {work} (kept if the benchmark fails)", flush=True)
    print("==> stock rasa init: training and serving", flush=True)
    results = [stock_assistant(work, texts)]
    training_s = None if args.skip_training else train_ours(work)
    print("==> this assistant", flush=True)
    results.append(this_assistant(work, texts, training_s))
    if not args.no_scaled:
        print("==> the scaled-out set-up", flush=True)
        results += list(scaled_assistant(work, texts))
    shutil.rmtree(work, ignore_errors=True)
    lines = table(results)
    out = ROOT / "results" / "bench"
    out.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y-%m-%d %H:%M", time.gmtime())
    commit = measured_commit()
    header = f"Measured {stamp} UTC, commit {commit}, {os.cpu_count()} cores, Rasa 3.6.21, REST."
    (out / "bench.json").write_text(
        json.dumps({"measured": stamp, "commit": commit, "results": [dataclasses.asdict(r) for r in results]}, indent=2)
    )
    (out / "table.md").write_text("\n".join([header, "", *lines]) + "\n")
    print(header)
    print("\n".join(lines))
    print("written to results/bench/bench.json and results/bench/table.md")
    return 0


if __name__ == "__main__":
    sys.exit(main())
