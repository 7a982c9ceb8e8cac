"""Schemathesis over the app's own OpenAPI schema: no 5xx anywhere, every response matching its
schema, every status code documented. (Against a running server: see the README.)"""

from __future__ import annotations

import tempfile
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, settings
from schemathesis.specs.openapi.checks import (allow_header_conformance, missing_required_header,
                                               negative_data_rejection, positive_data_acceptance,
                                               unsupported_method)

from app.main import create_app
from app.settings import Settings

_runs = Path(tempfile.mkdtemp(prefix="convscope-fuzz-"))
# Schemathesis starts the app's lifespan once and ends it when the process exits.
app = create_app(Settings(runs_dir=_runs / "runs", max_queued_runs=1, train_threads=1))
schema = schemathesis.openapi.from_asgi("/openapi.json", app)

# Checks that do not apply: rules the schema cannot state (an empty drawing is schema-valid JSON
# and still refused), and HTTP-level probes of methods and headers the app never documents.
NOT_APPLICABLE = [positive_data_acceptance, negative_data_rejection, unsupported_method, missing_required_header,
                  allow_header_conformance]


@schema.exclude(path="/api/runs", method="POST").parametrize()  # real training runs: tests/test_runs_api.py
@settings(max_examples=15, deadline=None, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_schema(case):
    case.call_and_validate(excluded_checks=NOT_APPLICABLE, timeout=60)
