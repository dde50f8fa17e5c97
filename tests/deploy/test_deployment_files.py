"""The deployment files that cannot run here (docker-compose) agree with what `make run-scaled` runs,
and the load balancer's configuration is valid nginx for both."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from evaluation.paths import ROOT

SCALED = ROOT / "deploy" / "scaled"


def compose() -> dict:
    return yaml.safe_load((SCALED / "docker-compose.yml").read_text())


def endpoint_variables() -> set[str]:
    return set(re.findall(r"\$\{(\w+)\}", (SCALED / "endpoints.yml").read_text()))


def test_compose_runs_two_replicas_of_one_definition_behind_the_balancer() -> None:
    services = compose()["services"]
    assert services["rasa_a"] == services["rasa_b"]
    assert set(services["balancer"]["depends_on"]) == {"rasa_a", "rasa_b"}
    assert "deploy/scaled/endpoints.yml" in services["rasa_a"]["command"]
    assert "assistant.rasa_server" in services["rasa_a"]["command"]  # the bounded action endpoint, strict store


def test_compose_sets_every_variable_the_scaled_endpoints_read() -> None:
    environment = compose()["services"]["rasa_a"]["environment"]
    assert endpoint_variables() <= set(environment)
    assert environment["ACTION_URL"].startswith("http://actions:")


def test_run_sh_sets_every_variable_the_scaled_endpoints_read() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    scaled_branch = script[script.index("  scaled)") : script.index("  *)")]
    for name in endpoint_variables():
        assert f"export {name}=" in scaled_branch or f" {name}=" in scaled_branch, name


# What the channels read from the environment that every replica must share: the widget's socket pushes
# and the rate limit in Redis, and the keys that sign widget sessions and REST senders.
SHARED_BY_REPLICAS = ("SOCKETIO_REDIS_URL", "RATE_LIMIT_REDIS_URL", "WIDGET_SESSION_KEY", "REST_SENDER_KEY")


def test_every_deployment_gives_the_replicas_the_state_they_share() -> None:
    script = (ROOT / "scripts" / "run.sh").read_text()
    environment = set(compose()["services"]["rasa_a"]["environment"])
    helm = {
        item["name"] for item in yaml.safe_load((ROOT / "deploy" / "helm" / "rasa-values.yaml").read_text())["extraEnv"]
    }
    for name in SHARED_BY_REPLICAS:
        assert f"export {name}" in script or f"export {name}_FILE" in script or f" {name}=" in script, name
        assert {name, f"{name}_FILE"} & environment, name
        assert {name, f"{name}_FILE"} & helm, name


def test_the_balancer_renders_the_same_template_in_compose_and_run_sh() -> None:
    command = compose()["services"]["balancer"]["command"]
    placeholders = set(re.findall(r"@(\w+)@", (SCALED / "nginx.conf.template").read_text()))
    assert placeholders == {"LISTEN", "REPLICA_A", "REPLICA_B", "RUN_DIR", "LOG_DIR"}
    script = (ROOT / "scripts" / "run.sh").read_text()
    for name in placeholders:
        assert f"@{name}@" in command and f"@{name}@" in script


def test_the_rendered_balancer_configuration_is_valid_nginx(tmp_path: Path) -> None:
    nginx = shutil.which("nginx") or "/usr/sbin/nginx"
    if not Path(nginx).exists():
        pytest.fail("Debian's nginx is missing (make test installs nginx-light)")
    text = (SCALED / "nginx.conf.template").read_text()
    for placeholder, value in {
        "@LISTEN@": "127.0.0.1:59999",
        "@REPLICA_A@": "127.0.0.1:59998",
        "@REPLICA_B@": "127.0.0.1:59997",
        "@RUN_DIR@": str(tmp_path),
        "@LOG_DIR@": str(tmp_path),
    }.items():
        text = text.replace(placeholder, value)
    config = tmp_path / "nginx.conf"
    config.write_text(text)
    result = subprocess.run(
        [nginx, "-t", "-c", str(config), "-e", str(tmp_path / "error.log")], capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
