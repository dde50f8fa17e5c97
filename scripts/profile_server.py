"""`make profile`: where a message's time goes in the running Rasa server (py-spy, sampling).

    python -m scripts.profile_server --py-spy .build/profile-venv/bin/py-spy [--seconds 30]

Starts the assistant as `make run` does, sends it one REST message after another for `--seconds`,
and samples the Rasa process with py-spy meanwhile (without pausing it; py-spy leaves out samples
where no thread is running Python, so idle waiting is not counted). Prints the share of the samples
spent in each part of the message's handling (a sample counts for every part on its
stack, so the parts overlap: NLU contains DIET), and writes results/profile/ (the raw stacks and the
table).
"""

from __future__ import annotations

import argparse
import subprocess
import sys
import tempfile
import threading
from collections import Counter
from pathlib import Path
from typing import Dict, List, Sequence, Tuple

from evaluation.paths import ROOT
from evaluation.rest_client import SenderBook, replies_to
from evaluation.running import pid_of, start_assistant
from evaluation.sets import readable_safety_examples

# A part of the handling: (label, a frame on the stack that marks it, as "function (path").
PARTS: List[Tuple[str, str]] = [
    ("message handling (all of it)", "handle_message (rasa/core/processor.py"),
    ("NLU: parse the message", "parse_message (rasa/core/processor.py"),
    ("  DIET classifier", "rasa/nlu/classifiers/diet_classifier.py"),
    ("  pretrained sentence encoder", "nlu_components/sentence_encoder.py"),
    ("  safety rules", "nlu_components/safety/"),
    ("tracker store: read the conversation", "retrieve (rasa/core/tracker_store.py"),
    ("tracker store: save the conversation", "save (rasa/core/tracker_store.py"),
    ("policies: predict the next action", "predict_next_with_tracker_if_should (rasa/core/processor.py"),
    ("  RulePolicy", "rasa/core/policies/rule_policy.py"),
    ("running the next actions (custom ones over HTTP, and Rasa's own)", "run (rasa/core/actions/action.py"),
    ("  checking the action server's reply (jsonschema)", "jsonschema/"),
    ("conversation lock", "rasa/core/lock_store.py"),
    ("REST channel", "assistant/channels/rest.py"),
]


def read_raw(path: Path) -> Counter[str]:
    """py-spy's raw output: one line per distinct stack, frames joined by ';', then the count."""
    stacks: Counter[str] = Counter()
    for line in path.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if stack and count.isdigit():
            stacks[stack] += int(count)
    return stacks


def breakdown(stacks: Counter[str]) -> Dict[str, float]:
    """Each part's share of the samples, in %: a sample counts for every part on its stack."""
    total = sum(stacks.values()) or 1
    return {label: round(100 * sum(n for s, n in stacks.items() if marker in s) / total, 1) for label, marker in PARTS}


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--py-spy", type=Path, required=True)
    parser.add_argument("--seconds", type=int, default=30)
    args = parser.parse_args(argv)
    texts = [m.text for messages in readable_safety_examples().values() for m in messages]
    out = ROOT / "results" / "profile"
    out.mkdir(parents=True, exist_ok=True)
    raw = out / "rasa_server.raw.txt"
    with tempfile.TemporaryDirectory() as data_dir:
        assistant = start_assistant(Path(data_dir), timeout=600)
        url = assistant.rasa_url
        senders = SenderBook(url)
        stop = threading.Event()
        latencies: List[float] = []

        def talk() -> None:
            n = 0
            while not stop.is_set():
                try:
                    latencies.append(replies_to(url, senders(f"profile-{n // 10}"), texts[n % len(texts)])[0])
                except (OSError, ValueError):
                    stop.wait(0.1)  # a refused or failed message: go on with the next
                n += 1

        try:
            replies_to(url, senders("warm-up"), "hello")
            pid = pid_of("assistant.rasa_server", f"--port {assistant.rasa_url.rsplit(':', 1)[1]}")
            talker = threading.Thread(target=talk, daemon=True)
            talker.start()
            command = [str(args.py_spy), "record", "--pid", str(pid), "--duration", str(args.seconds)]
            command += ["--rate", "200", "--format", "raw", "--nonblocking", "--output", str(raw)]
            spy = subprocess.run(command, capture_output=True, text=True)
            if spy.returncode != 0:
                raise SystemExit(
                    f"py-spy could not sample the Rasa process (exit {spy.returncode}): {spy.stderr.strip()[-500:]}\n"
                    "It needs to be allowed to trace another process: run as root, or with CAP_SYS_PTRACE, "
                    "or with kernel.yama.ptrace_scope=0."
                )
            stop.set()
            talker.join(timeout=60)
        finally:
            assistant.stop()
    shares = breakdown(read_raw(raw))
    if not latencies:
        raise SystemExit("no message was answered while sampling; see the assistant's logs")
    ordered = sorted(latencies)
    lines = [
        f"{len(latencies)} messages one after another in {args.seconds} s, median {ordered[len(ordered) // 2]:.1f} ms;"
        f" {sum(read_raw(raw).values())} samples of the Rasa process while it was running Python.",
        "",
        "| part of the handling | share of samples, % |",
        "|---|---|",
        *(f"| {label} | {shares[label]} |" for label, _ in PARTS),
    ]
    (out / "breakdown.md").write_text("\n".join(lines) + "\n")
    print("\n".join(lines))
    print(f"written to {out.relative_to(ROOT)}/")
    return 0


if __name__ == "__main__":
    sys.exit(main())
