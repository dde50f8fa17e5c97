"""The values for Rasa's official Helm charts (deploy/helm/) agree with what `make run-scaled` runs.

No cluster or helm here, so the chart is not installed: its endpoints are rendered the way the `rasa`
chart's templates/config-map.yaml (RasaHQ/helm-charts, chart 1.17.8) renders them. Our values are
deep-merged into the chart's defaults (as helm does), each enabled store section is written key by key
in Go's plain `key: value` format, then `additionalEndpoints` as YAML; the result is parsed as YAML.
"""

from __future__ import annotations

import re
from typing import Any, Dict

import pytest
import yaml

from evaluation.paths import ROOT

HELM = ROOT / "deploy" / "helm"

# The keys of the charts' own values.yaml (rasa 1.17.8, rasa-action-server 1.0.x): a key outside
# these would be silently ignored by the chart.
RASA_CHART_KEYS = {
    "affinity", "applicationSettings", "args", "autoscaling", "command", "deploymentAnnotations",
    "deploymentLabels", "duckling", "extraArgs", "extraContainers", "extraEnv", "fullnameOverride", "global",
    "hostAliases", "image", "ingress", "initContainers", "livenessProbe", "nameOverride", "networkPolicy",
    "nginx", "nodeSelector", "podAnnotations", "podLabels", "podSecurityContext", "postgresql", "rabbitmq",
    "rasa-action-server", "readinessProbe", "redis", "registry", "replicaCount", "resources",
    "securityContext", "service", "serviceAccount", "strategy", "tolerations", "volumeMounts", "volumes",
}  # fmt: skip
RASA_APPLICATION_SETTINGS = {
    "cors", "credentials", "debugMode", "enableAPI", "endpoints", "initialModel", "port", "rasaX", "scheme",
    "telemetry", "token", "trainInitialModel",
}  # fmt: skip
RASA_ENDPOINT_KEYS = {"action", "additionalEndpoints", "eventBroker", "lockStore", "models", "trackerStore"}
ACTION_CHART_KEYS = RASA_CHART_KEYS - {
    "duckling", "extraArgs", "extraContainers", "global", "networkPolicy", "nginx", "postgresql", "rabbitmq",
    "rasa-action-server", "redis",
}  # fmt: skip
RENDERED_SECTIONS = {"trackerStore": "tracker_store", "lockStore": "lock_store", "eventBroker": "event_broker"}
# The chart's own defaults for those sections (values.yaml of chart 1.17.8), which helm merges ours into.
CHART_ENDPOINT_DEFAULTS: Dict[str, Any] = {
    "trackerStore": {
        "enabled": True, "type": "sql", "dialect": "postgresql", "url": "${DB_HOST}", "port": "${DB_PORT}",
        "username": "${DB_USER}", "password": "${DB_PASSWORD}", "db": "${DB_DATABASE}", "login_db": "${DB_DATABASE}",
    },
    "lockStore": {
        "enabled": False, "type": "redis", "url": "${REDIS_HOST}", "port": "${REDIS_PORT}",
        "password": "${REDIS_PASSWORD}", "db": "1",
    },
    "eventBroker": {
        "enabled": False, "type": "pika", "url": "${RABBITMQ_HOST}", "username": "${RABBITMQ_USERNAME}",
        "password": "${RABBITMQ_PASSWORD}", "port": "${RABBITMQ_PORT}", "queues": ["rasa_production_events"],
    },
    "additionalEndpoints": {},
}  # fmt: skip


def load(name: str) -> Dict[str, Any]:
    return yaml.safe_load((HELM / name).read_text())


def deep_merge(defaults: Dict[str, Any], ours: Dict[str, Any]) -> Dict[str, Any]:
    """helm's merge of a values file into the chart's values: maps merge, a null removes a key."""
    merged = dict(defaults)
    for key, value in ours.items():
        if value is None:
            merged.pop(key, None)
        elif isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


def go_plain(value: Any) -> str:
    """`{{ $value }}` in a Go template: a list prints as [a b], a bool as true/false."""
    if isinstance(value, list):
        return "[" + " ".join(go_plain(v) for v in value) + "]"
    if isinstance(value, bool):
        return str(value).lower()
    return str(value)


def rendered_endpoints(values: Dict[str, Any]) -> Dict[str, Any]:
    endpoints = deep_merge(CHART_ENDPOINT_DEFAULTS, values["applicationSettings"]["endpoints"])
    lines = []
    for key, section in RENDERED_SECTIONS.items():
        if endpoints[key].get("enabled"):
            lines.append(f"{section}:")
            lines += [f"  {k}: {go_plain(v)}" for k, v in endpoints[key].items() if k != "enabled"]
    rendered = yaml.safe_load("\n".join(lines)) or {}
    rendered.update(endpoints.get("additionalEndpoints") or {})
    return rendered


def test_the_render_would_catch_what_the_chart_does_to_a_list_in_a_store_section() -> None:
    enabled = {"applicationSettings": {"endpoints": {"eventBroker": {"enabled": True, "queues": ["${Q}"]}}}}
    with pytest.raises(yaml.YAMLError):  # `queues: [${Q}]`: braces inside a flow list
        rendered_endpoints(enabled)


def environment_names(env: list) -> set[str]:
    return {item["name"] for item in env}


def test_the_values_use_only_keys_the_charts_have() -> None:
    rasa = load("rasa-values.yaml")
    assert set(rasa) <= RASA_CHART_KEYS
    assert set(rasa["applicationSettings"]) <= RASA_APPLICATION_SETTINGS
    assert set(rasa["applicationSettings"]["endpoints"]) <= RASA_ENDPOINT_KEYS
    assert set(load("action-server-values.yaml")) <= ACTION_CHART_KEYS


def test_the_chart_renders_the_endpoints_make_run_scaled_uses() -> None:
    scaled = yaml.safe_load((ROOT / "deploy" / "scaled" / "endpoints.yml").read_text())
    assert rendered_endpoints(load("rasa-values.yaml")) == scaled


def test_the_chart_mounts_the_credentials_make_run_scaled_uses() -> None:
    credentials = load("rasa-values.yaml")["applicationSettings"]["credentials"]
    assert credentials["enabled"] is True
    assert credentials["additionalChannelCredentials"] == yaml.safe_load((ROOT / "credentials.yml").read_text())


def test_every_variable_the_endpoints_read_is_set_and_secrets_come_from_a_secret() -> None:
    values = load("rasa-values.yaml")
    variables = set(re.findall(r"\$\{(\w+)\}", yaml.safe_dump(rendered_endpoints(values))))
    env = {item["name"]: item for item in values["extraEnv"]}
    assert variables <= set(env)
    for name in ("POSTGRES_PASSWORD", "RABBITMQ_PASSWORD", "RASA_AUTH_TOKEN", "WIDGET_SESSION_KEY", "REST_SENDER_KEY"):
        assert "secretKeyRef" in env[name].get("valueFrom", {}), name
        assert "value" not in env[name], name


def test_several_replicas_of_our_server_with_sticky_sessions_and_no_model_download() -> None:
    values = load("rasa-values.yaml")
    assert values["replicaCount"] >= 2
    assert values["command"] == ["python", "-m", "assistant.rasa_server"]
    assert "endpoints.yml" in values["args"] and "credentials.yml" in values["args"]  # where the chart mounts them
    assert values["ingress"]["annotations"]["nginx.ingress.kubernetes.io/affinity"] == "cookie"
    assert (
        values["applicationSettings"]["initialModel"] == "" and not values["applicationSettings"]["trainInitialModel"]
    )
    assert values["applicationSettings"]["telemetry"]["enabled"] is False
    assert {m["mountPath"] for m in values["volumeMounts"]} == {"/app/models"}


def test_the_event_feed_runs_beside_each_replica_on_the_same_queue() -> None:
    values = load("rasa-values.yaml")
    (feed,) = [c for c in values["extraContainers"] if c["name"] == "event-feed"]
    assert feed["command"][:3] == ["python", "-m", "staff_console.event_feed"]
    queue = feed["command"][feed["command"].index("--queue") + 1]
    assert {"name": "RABBITMQ_QUEUE", "value": queue} in values["extraEnv"]
    assert feed["image"] == f"{values['registry']}/{values['image']['name']}:{values['image']['tag']}"


def test_the_action_server_release_is_the_one_action_url_names() -> None:
    rasa, actions = load("rasa-values.yaml"), load("action-server-values.yaml")
    action_url = next(item["value"] for item in rasa["extraEnv"] if item["name"] == "ACTION_URL")
    assert action_url == "http://actions-rasa-action-server/webhook"  # release "actions", the chart's service name
    assert actions["command"] == ["python", "-m", "actions"]
    assert actions["args"][actions["args"].index("--port") + 1] == str(actions["applicationSettings"]["port"])
    assert (actions["registry"], actions["image"]) == (rasa["registry"], rasa["image"])
    assert "TRIAGE_DATABASE_URL" in environment_names(actions["extraEnv"])
