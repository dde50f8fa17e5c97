"""`make bench`'s table: the issue's targets as ratios to the stock assistant of the same run."""

from __future__ import annotations

from scripts.bench import Load, ServerResult, table


def result(name: str, median_ms: float, requests_per_s: float, peak_mb: float, emergency_p95: float | None = None):
    figures = {"n": 100, "p50_ms": median_ms, "p95_ms": 2 * median_ms, "max_ms": 3 * median_ms}
    emergency = {"n": 20, "p50_ms": 50.0, "p95_ms": emergency_p95, "max_ms": 400.0} if emergency_p95 else None
    return ServerResult(name, 30.0, Load(figures, figures, requests_per_s, emergency, True), peak_mb, training_s=100.0)


def test_each_target_is_a_ratio_to_stock_and_says_whether_it_is_met() -> None:
    results = [
        result("stock rasa init", 80.0, 25.0, 1000.0),
        result("this assistant", 40.0, 50.0, 1200.0, emergency_p95=250.0),
        result("scaled, one replica", 60.0, 20.0, 1200.0, emergency_p95=300.0),
        result("scaled, two replicas", 60.0, 30.0, 1200.0, emergency_p95=320.0),
    ]
    lines = table(results)
    assert lines[0] == "| | stock rasa init | this assistant | scaled, one replica | scaled, two replicas |"
    targets = {line.split(" | ")[0].lstrip("| "): line for line in lines}
    assert targets["median latency, ours / stock"].endswith("| 0.5 | ≤ 0.5 | yes |")
    assert targets["throughput at 20 senders, ours / stock"].endswith("| 2.0 | ≥ 2.0 | yes |")
    assert targets["peak memory, ours / stock"].endswith("| 1.2 | ≤ 1.0 | no |")
    assert targets["two replicas / one, throughput"].endswith("| 1.5 | ≥ 1.6 | no |")
    assert "| emergency reply p95 at 20 senders (ms) | 250.0 | ≤ 300.0 | yes |" in lines
    assert "| emergency reply p95 at 20 senders asking questions (ms) | None | ≤ 300.0 | no |" in lines


def test_the_emergency_among_questions_is_its_own_row_and_target() -> None:
    stock = result("stock rasa init", 80.0, 25.0, 1000.0)
    ours = result("this assistant", 40.0, 50.0, 1200.0, emergency_p95=900.0)
    ours.questions_load = result("questions", 40.0, 50.0, 1200.0, emergency_p95=180.0).load
    lines = table([stock, ours])
    assert "| emergency reply p95, 20 senders asking topic questions (ms) | – | 180.0 |" in lines
    assert "| emergency reply p95 at 20 senders (ms) | 900.0 | ≤ 300.0 | no |" in lines
    assert "| emergency reply p95 at 20 senders asking questions (ms) | 180.0 | ≤ 300.0 | yes |" in lines
