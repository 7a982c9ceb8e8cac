"""Schemathesis over the app's own OpenAPI schema, with every check: valid requests (as the schema
describes them) are accepted, invalid ones refused with a 4xx, no 5xx anywhere, every response and
status documented, Allow headers on 405, unsupported methods refused.

One test per operation and way of generating data (its node id names both, so one can be selected
and timed on its own). The few rules a schema cannot state are in ``schemathesis_baseline.json``:
each names the rule, the check it excuses, the operations it applies to, and why; nothing else is
excused. (Against a running
server: see the README.)
"""

from __future__ import annotations

import json
import os
import tomllib
import tempfile
from pathlib import Path

import pytest
import schemathesis
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import CHECKS, load_all_checks
from schemathesis.generation import GenerationMode

from app.main import create_app
from app.runs.store import RunStore
from app.settings import Settings

BASELINE_PATH = Path(__file__).with_name("schemathesis_baseline.json")
BASELINE: list[dict] = json.loads(BASELINE_PATH.read_text())
# Checks that need credentials or a stateful API we do not have: nothing for them to see here.
NOT_APPLICABLE = {"ignored_auth", "object_level_authorization", "use_after_free", "ensure_resource_availability"}
load_all_checks()  # the registry fills lazily: without this only not_a_server_error is in it
ALL_CHECKS = [CHECKS.get_one(name) for name in CHECKS.get_all_names() if name not in NOT_APPLICABLE]
assert len(ALL_CHECKS) >= 9, [c.__name__ for c in ALL_CHECKS]

_runs = Path(tempfile.mkdtemp(prefix="convscope-fuzz-"))
# Schemathesis starts the app's lifespan once and ends it when the process exits.
app = create_app(Settings(runs_dir=_runs / "runs", max_queued_runs=1, train_threads=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)
OPERATIONS = [result.ok() for result in schema.get_all_operations()]
# Valid data would start real training runs (tests/test_runs_api.py covers them); invalid data is
# fuzzed here all the same: it must be refused before any run starts.
POSITIVE_SKIPPED = {("POST", "/api/runs")}


def excused(operation: str, check: str) -> bool:
    return any(entry["check"] == check and operation in entry["operations"] for entry in BASELINE)


def takes_input(op) -> bool:  # noqa: ANN001
    """Only an operation with a body or parameters has invalid input to send."""
    return any(len(getattr(op, part)) for part in ("body", "query", "path_parameters"))


def cases() -> list:
    return [pytest.param(op, mode, id=f"{op.method.upper()} {op.path} {mode.value}")
            for op in OPERATIONS for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE)
            if (mode is GenerationMode.NEGATIVE and takes_input(op))
            or (mode is GenerationMode.POSITIVE and (op.method.upper(), op.path) not in POSITIVE_SKIPPED)]


@pytest.mark.parametrize("operation,mode", cases())
def test_operation_conforms_to_its_schema(operation, mode):
    name = f"{operation.method.upper()} {operation.path}"
    checks = [c for c in ALL_CHECKS if not excused(name, c.__name__)]

    @given(case=operation.as_strategy(generation_mode=mode))
    @settings(max_examples=int(os.environ.get("CONVSCOPE_FUZZ_EXAMPLES", 12)), deadline=None, suppress_health_check=list(HealthCheck), database=None)
    def run(case):
        case.call_and_validate(checks=checks, timeout=60)

    run()


def test_the_baseline_is_short_and_every_entry_says_why():
    assert len(BASELINE) <= 8
    names = {f"{op.method.upper()} {op.path}" for op in OPERATIONS}
    for entry in BASELINE:
        assert set(entry["operations"]) <= names and CHECKS.get_one(entry["check"]) and len(entry["reason"]) > 60


def test_the_schemathesis_config_switches_off_exactly_the_baseline():
    """schemathesis.toml (for runs by hand against a live server) excuses what the baseline does."""
    config = tomllib.loads((Path(__file__).parents[1] / "schemathesis.toml").read_text())
    excused_by_config = {(op["include-name"], check) for op in config["operations"]
                         for check, value in op["checks"].items() if value == {"enabled": False}}
    assert excused_by_config == {(name, entry["check"]) for entry in BASELINE for name in entry["operations"]}


def test_no_run_was_started_by_invalid_data():
    db = _runs / "runs" / "runs.sqlite3"
    assert db.is_file() and RunStore(db).list() == []


def test_the_schema_says_minimum_and_maximum_where_pydantic_says_ge_and_le():
    """Bounds inside an optional field must reach the schema as JSON Schema words, or no client sees them."""
    def keys(node):  # noqa: ANN001, ANN202
        if isinstance(node, dict):
            yield from node
            for value in node.values():
                yield from keys(value)
        elif isinstance(node, list):
            for value in node:
                yield from keys(value)

    found = set(keys(app.openapi()["components"]["schemas"]))
    assert not found & {"ge", "le", "gt", "lt"} and {"minimum", "maximum", "additionalProperties"} <= found
