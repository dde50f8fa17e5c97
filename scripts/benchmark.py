"""Benchmarks: speed and memory of the safety rules, the NLU model, and the running assistant.

    python -m scripts.benchmark            # everything (starts the assistant on free ports)
    python -m scripts.benchmark --quick    # rules, the sentence encoder and the in-process model only
    python -m scripts.benchmark --encoder-only   # the sentence encoder alone, in a fresh process

Writes results/benchmark.json (results/benchmark-encoder.json with --encoder-only). Loopback only;
every loop is bounded in count.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import statistics
import sys
import tempfile
import time
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any, Dict, Iterator, List

from evaluation.models import latest_model
from evaluation.paths import ROOT
from evaluation.rest_client import SenderBook, replies_to
from evaluation.running import pid_of, start_assistant
from evaluation.sets import readable_safety_examples


def percentiles(samples_ms: List[float]) -> Dict[str, float]:
    ordered = sorted(samples_ms)
    return {
        "n": len(ordered),
        "p50_ms": round(statistics.median(ordered), 2),
        "p95_ms": round(ordered[int(0.95 * (len(ordered) - 1))], 2),
        "max_ms": round(ordered[-1], 2),
    }


def status_mb(pid: int, field: str) -> float | None:
    """A memory field of /proc/<pid>/status in MB: VmRSS (resident now), VmHWM (resident at its peak)."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(f"{field}:"):
            return round(int(line.split()[1]) / 1024, 1)
    return None


def rss_mb(pid: int) -> float:
    return status_mb(pid, "VmRSS") or 0.0


def bench_detector(texts: List[str]) -> Dict:
    import spacy

    from nlu_components.safety.detector import SafetyDetector

    nlp = spacy.blank("en")
    detector = SafetyDetector.from_file(nlp.make_doc)
    samples = []
    for text in texts:
        start = time.perf_counter()
        detector.analyse(nlp.make_doc(text))
        samples.append((time.perf_counter() - start) * 1000)
    return {**percentiles(samples), "messages_per_s": round(len(texts) / (sum(samples) / 1000), 1)}


def bench_encoder(texts: List[str], count: int = 300) -> Dict:
    """The pretrained sentence encoder alone: load (hash check included), memory, one text at a time."""
    from nlu_components.sentence_encoder import SentenceEncoder, default_model_dir

    before = rss_mb(os.getpid())
    start = time.perf_counter()
    encoder = SentenceEncoder.load(default_model_dir())
    load_s = time.perf_counter() - start
    encoder.encode(["warm-up"])  # the first call traces the graph
    samples = []
    for text in texts[:count]:
        start = time.perf_counter()
        encoder.encode([text])
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "load_s": round(load_s, 2),
        "rss_added_mb": round(rss_mb(os.getpid()) - before, 1),
        "one_text": percentiles(samples),
    }


@contextmanager
def component_load_costs(costs: List[Dict]) -> Iterator[None]:
    """While active, append each graph node's load time and resident-memory growth to `costs`."""
    from rasa.engine.graph import GraphNode

    original = GraphNode._load_component

    def timed(node: GraphNode, **kwargs: Any) -> None:
        before, start = rss_mb(os.getpid()), time.perf_counter()
        original(node, **kwargs)
        costs.append(
            {
                "node": node._node_name,
                "load_s": round(time.perf_counter() - start, 2),
                "rss_added_mb": round(rss_mb(os.getpid()) - before, 1),
            }
        )

    GraphNode._load_component = timed
    try:
        yield
    finally:
        GraphNode._load_component = original


def bench_model(texts: List[str]) -> Dict:
    from rasa.core.agent import Agent

    model = latest_model()
    costs: List[Dict] = []
    start = time.perf_counter()
    with component_load_costs(costs):
        agent = Agent.load(str(model))
    load_s = time.perf_counter() - start
    loop = asyncio.new_event_loop()
    samples = []
    for text in texts:
        start = time.perf_counter()
        loop.run_until_complete(agent.parse_message(text))
        samples.append((time.perf_counter() - start) * 1000)
    return {
        "model_file": model.name,
        "model_size_mb": round(model.stat().st_size / 1e6, 2),
        "load_s": round(load_s, 1),
        "process_peak_mb_after_load": status_mb(os.getpid(), "VmHWM"),
        # The nodes that took 0.5 s or 5 MB to load, costliest first.
        "component_loads": sorted(
            (c for c in costs if c["load_s"] >= 0.5 or c["rss_added_mb"] >= 5),
            key=lambda c: -c["rss_added_mb"],
        ),
        "nlu_parse": percentiles(samples),
        "process_rss_mb_after_load": rss_mb(os.getpid()),
    }


def bench_server(texts: List[str], concurrency: int, requests_total: int) -> Dict:
    with tempfile.TemporaryDirectory() as data_dir:
        assistant = start_assistant(Path(data_dir))
        try:
            url = assistant.rasa_url
            senders = SenderBook(url)
            replies_to(url, senders("warm-up"), "hello")
            # Conversations of ten messages each, as people have them (and within the per-sender rate limit).
            sequential = [replies_to(url, senders(f"seq-{n // 10}"), text)[0] for n, text in enumerate(texts[:100])]
            jobs = [
                (senders(f"bench-{i % concurrency}-{i // (concurrency * 10)}"), texts[i % len(texts)])
                for i in range(requests_total)
            ]
            start = time.perf_counter()
            with ThreadPoolExecutor(max_workers=concurrency) as pool:
                concurrent = list(pool.map(lambda job: replies_to(url, *job)[0], jobs))
            elapsed = time.perf_counter() - start
            port = assistant.rasa_url.rsplit(":", 1)[1]
            rasa_pid = pid_of("assistant.rasa_server", f"--port {port}")
            action_pid = assistant.action_server_pid()
            processes = {
                "rasa_server_rss_mb": rss_mb(rasa_pid) if rasa_pid else None,
                "action_server_rss_mb": rss_mb(action_pid) if action_pid else None,
            }
        finally:
            assistant.stop()
    return {
        "sequential": percentiles(sequential),
        "concurrent": {
            **percentiles(concurrent),
            "senders": concurrency,
            "requests": requests_total,
            "requests_per_s": round(requests_total / elapsed, 1),
        },
        **processes,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="skip the running-server benchmark")
    parser.add_argument(
        "--encoder-only",
        action="store_true",
        help="only the sentence encoder, before anything else loads TensorFlow (its memory is then its own)",
    )
    parser.add_argument("--concurrency", type=int, default=20)
    parser.add_argument("--requests", type=int, default=400)
    args = parser.parse_args()
    texts = [m.text for messages in readable_safety_examples().values() for m in messages]

    results: Dict = {"machine": {"cpus": os.cpu_count()}, "messages": len(texts)}
    if args.encoder_only:
        results["sentence_encoder"] = bench_encoder(texts)
        print("pretrained sentence encoder alone:", results["sentence_encoder"])
        return write_results(results, "benchmark-encoder.json")
    results["safety_rules"] = bench_detector(texts)
    print("safety rules alone:", results["safety_rules"])
    results["model_in_process"] = bench_model(texts)
    print("trained model, in process:", results["model_in_process"])
    results["sentence_encoder"] = bench_encoder(texts)
    print("pretrained sentence encoder alone:", results["sentence_encoder"])
    if not args.quick:
        results["rest_server"] = bench_server(texts, args.concurrency, args.requests)
        print("assistant over REST:", results["rest_server"])
    return write_results(results, "benchmark.json")


def write_results(results: Dict, name: str) -> int:
    out = ROOT / "results"
    out.mkdir(exist_ok=True)
    (out / name).write_text(json.dumps(results, indent=2))
    print(f"written to results/{name}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
