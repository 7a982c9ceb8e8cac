"""compose.yaml, the distributed deployment, checked by docker-compose itself (Debian's package
needs no daemon for `config`) and read for what the deployment must have."""

from __future__ import annotations

import shutil
import subprocess

import pytest
import yaml

from app.paths import ROOT
from tests.services import require

COMPOSE = ROOT / "compose.yaml"


@pytest.fixture(scope="module")
def resolved() -> dict:
    require(shutil.which("docker-compose") or "", "docker-compose")
    done = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT)
    assert done.returncode == 0, f"docker-compose refuses compose.yaml:\n{done.stderr}"
    return yaml.safe_load(done.stdout)


def test_the_deployment_has_redis_postgres_two_replicas_a_proxy_and_workers(resolved: dict) -> None:
    assert set(resolved["services"]) == {"redis", "postgres", "web1", "web2", "proxy", "worker"}


@pytest.mark.parametrize("service", ["web1", "web2", "worker"])
def test_every_replica_and_worker_reaches_both_services_and_mounts_the_shared_runs(resolved: dict,
                                                                                   service: str) -> None:
    spec = resolved["services"][service]
    env = spec["environment"]
    assert env["CONVSCOPE_REDIS_URL"].startswith("redis://:") and "@redis:6379/" in env["CONVSCOPE_REDIS_URL"]
    assert env["CONVSCOPE_DATABASE_URL"].startswith("postgresql://") and "@postgres:" in env["CONVSCOPE_DATABASE_URL"]
    assert any(v.startswith("runs:" + env["CONVSCOPE_RUNS_DIR"]) for v in spec["volumes"]), spec["volumes"]
    assert spec["depends_on"]["redis"]["condition"] == "service_healthy"
    assert spec["depends_on"]["postgres"]["condition"] == "service_healthy"
    expected = ["convscope", "worker"] if service == "worker" else ["convscope", "serve"]
    assert spec["command"][:2] == expected


def test_workers_train_on_one_core_each_and_redis_keeps_its_queue_across_a_restart(resolved: dict) -> None:
    assert resolved["services"]["worker"]["environment"]["CONVSCOPE_TRAIN_THREADS"] == "1"
    assert "--appendonly" in resolved["services"]["redis"]["command"]


def test_the_proxy_sends_pages_and_websockets_to_both_replicas() -> None:
    conf = (ROOT / "deploy" / "nginx.conf").read_text()
    assert "server web1:8000" in conf and "server web2:8000" in conf
    assert "proxy_set_header Upgrade $http_upgrade" in conf


def test_both_services_take_their_passwords_from_the_environment() -> None:
    """Redis asks for a password and PostgreSQL has one, each from one variable the replicas and
    workers use too; a .env file or the environment sets them."""
    require(shutil.which("docker-compose") or "", "docker-compose")
    env = {"PATH": "/usr/bin:/bin", "CONVSCOPE_REDIS_PASSWORD": "r3dis-s3cret", "CONVSCOPE_POSTGRES_PASSWORD": "pg-s3cret"}
    done = subprocess.run(["docker-compose", "-f", str(COMPOSE), "config"], capture_output=True, text=True,
                          timeout=60, cwd=ROOT, env=env)
    assert done.returncode == 0, done.stderr
    services = yaml.safe_load(done.stdout)["services"]
    redis = services["redis"]
    assert redis["command"][-2:] == ["--requirepass", "r3dis-s3cret"] and "r3dis-s3cret" in redis["healthcheck"]["test"]
    assert services["postgres"]["environment"]["POSTGRES_PASSWORD"] == "pg-s3cret"
    for name in ("web1", "web2", "worker"):
        env = services[name]["environment"]
        assert env["CONVSCOPE_REDIS_URL"] == "redis://:r3dis-s3cret@redis:6379/0"
        assert env["CONVSCOPE_DATABASE_URL"] == "postgresql://convscope:pg-s3cret@postgres:5432/convscope"
