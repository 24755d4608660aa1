"""deploy/kubernetes/: every manifest valid against the Kubernetes API schemas, and the topology complete."""

from pathlib import Path

import kubernetes_validate
import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
MANIFESTS = ROOT / "deploy" / "kubernetes"
KUBERNETES_VERSION = "1.30.0"
SECRETS = {
    "POSTGRES_PASSWORD",
    "BACKEND_SERVICE_TOKEN",
    "RASA_AUTH_TOKEN",
    "TWILIO_ACCOUNT_SID",
    "TWILIO_AUTH_TOKEN",
    "TWILIO_SMS_FROM",
    "CONVERSATION_ID_SECRET",
}


def manifest_files() -> list[Path]:
    return sorted(path for path in MANIFESTS.glob("*.yaml") if path.name != "kustomization.yaml")


def all_resources() -> list[dict]:
    return [doc for path in manifest_files() for doc in yaml.safe_load_all(path.read_text()) if doc]


def by_kind(kind: str) -> dict[str, dict]:
    return {doc["metadata"]["name"]: doc for doc in all_resources() if doc["kind"] == kind}


@pytest.mark.parametrize("path", manifest_files(), ids=lambda path: path.name)
def test_every_manifest_is_valid_against_the_kubernetes_schemas(path: Path) -> None:
    for resource in yaml.safe_load_all(path.read_text()):
        # strict: unknown fields (a misspelt key is silently ignored by a cluster) are errors too.
        kubernetes_validate.validate(resource, KUBERNETES_VERSION, strict=True)


def test_a_misspelt_field_is_caught() -> None:
    deployment = by_kind("Deployment")["rasa"]
    deployment["spec"]["template"]["spec"]["containers"][0]["readinesProbe"] = {"httpGet": {"path": "/", "port": 1}}
    with pytest.raises(kubernetes_validate.ValidationError):
        kubernetes_validate.validate(deployment, KUBERNETES_VERSION, strict=True)


def test_kustomization_lists_every_manifest() -> None:
    kustomization = yaml.safe_load((MANIFESTS / "kustomization.yaml").read_text())
    assert sorted(kustomization["resources"]) == sorted(path.name for path in manifest_files())


def workload_containers() -> dict[str, dict]:
    workloads = {**by_kind("Deployment"), **by_kind("StatefulSet")}
    return {name: workload["spec"]["template"]["spec"]["containers"][0] for name, workload in workloads.items()}


def test_the_same_services_as_docker_compose() -> None:
    assert set(workload_containers()) == {"postgres", "redis", "backend", "actions", "rasa"}
    assert set(by_kind("Service")) == {"postgres", "redis", "backend", "actions", "rasa"}
    assert by_kind("Ingress")


def test_every_container_has_probes_and_resources() -> None:
    for name, container in workload_containers().items():
        assert container.get("readinessProbe"), name
        assert container.get("livenessProbe"), name
        assert {"cpu", "memory"} <= set(container["resources"]["requests"]), name
        assert {"cpu", "memory"} <= set(container["resources"]["limits"]), name


def test_rasa_and_backend_scale_with_a_horizontal_pod_autoscaler() -> None:
    autoscalers = by_kind("HorizontalPodAutoscaler")
    for name in ("rasa", "backend"):
        target = autoscalers[name]["spec"]["scaleTargetRef"]
        assert (target["kind"], target["name"]) == ("Deployment", name)
        assert autoscalers[name]["spec"]["minReplicas"] >= 2


def test_rasa_memory_limit_within_the_goal() -> None:
    limit = workload_containers()["rasa"]["resources"]["limits"]["memory"]
    assert limit.endswith("Mi") and int(limit[:-2]) <= 1536


def env_of(container: dict) -> dict[str, dict]:
    return {item["name"]: item for item in container.get("env", [])}


def test_shared_state_is_postgres_and_redis() -> None:
    config = by_kind("ConfigMap")["hotline-config"]["data"]
    assert config["RASA_TRACKER_DB_HOST"] == "postgres" and config["REDIS_HOST"] == "redis"
    rasa = workload_containers()["rasa"]
    assert "bot/endpoints.production.yml" in " ".join(rasa["command"])
    backend = env_of(workload_containers()["backend"])
    assert backend["DATABASE_URL"]["value"].startswith("postgresql+psycopg://")
    assert backend["REDIS_URL"]["value"].startswith("redis://redis:")


def test_secrets_come_only_from_the_secret() -> None:
    assert not by_kind("Secret"), "no secret values in the manifests"
    assert not SECRETS & set(by_kind("ConfigMap")["hotline-config"]["data"])
    for name, container in workload_containers().items():
        for variable, item in env_of(container).items():
            if variable in SECRETS:
                assert item["valueFrom"]["secretKeyRef"]["name"] == "hotline-secrets", (name, variable)


def test_model_upgrades_roll_without_downtime() -> None:
    for name in ("rasa", "backend", "actions"):
        strategy = by_kind("Deployment")[name]["spec"]["strategy"]
        assert strategy["rollingUpdate"]["maxUnavailable"] == 0, name
