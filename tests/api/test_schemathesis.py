"""Property-based run of every operation in the OpenAPI schema: no input may give a 5xx.

Schemathesis generates requests from /openapi.json (schema examples, boundary values, fuzzing,
positive and negative) and sends them to the real app in-process with the admin key. Path
parameters are drawn from dictionaries of real slugs, versions and jobs most of the time, so the
handlers behind the 404s get exercised too. Nothing is excluded: the job-events stream ends when
its job ends, and the client cuts any event stream off after a bounded number of events.
"""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from schemathesis.checks import not_a_server_error

from tests.api.conftest import Keys

pytestmark = pytest.mark.slow

EXAMPLES_PER_OPERATION = 25
# A fixed seed makes a failure reproducible and the suite's time steady; change it to explore.
SEED = 20250101
# How often a path parameter takes a real value rather than a generated one.
REAL_VALUE_PROBABILITY = 0.7


def real_values(client: TestClient) -> dict[str, list[str]]:
    """Slugs, scene numbers, shot codes, versions and jobs that exist: two renders of the demo."""
    versions, shots, jobs = [], [], []
    for scene in ("1", "3"):
        accepted = client.post("/v1/projects/demo/renders", json={"scene": scene, "seed": 7})
        job_id = accepted.json()["job_id"]
        with client.stream("GET", f"/v1/jobs/{job_id}/events") as stream:
            stream.read()
        job = client.get(f"/v1/jobs/{job_id}").json()
        assert job["state"] == "done", job
        [version] = job["result"]["versions"]
        versions.append(version["version_id"])
        shots.append(version["shot"])
        jobs.append(job_id)
    client.post(f"/v1/versions/{versions[0]}/status", json={"status": "approved"})
    scenes = [scene["number"] for scene in client.get("/v1/projects/demo/scenes").json()["items"]]
    return {
        "slug": ["demo", "other"],
        "number": scenes,
        "code": shots,
        "version_id": versions,
        "job_id": jobs,
    }


@pytest.fixture(scope="module")
def api_schema(app: FastAPI, client: TestClient, keys: Keys) -> Any:
    """The app's own schema, with a bounded, deterministic run set up as schemathesis.toml would."""
    dictionaries = real_values(client)
    config = schemathesis.Config.from_dict(
        {
            "seed": SEED,
            "headers": keys.header("admin"),
            "generation": {
                "mode": "all",
                "max-examples": EXAMPLES_PER_OPERATION,
                "deterministic": True,
                "database": "none",
            },
            "phases": {
                "examples": {"enabled": True},
                "coverage": {"enabled": True},
                "fuzzing": {"enabled": True},
                "stateful": {"enabled": False},
            },
            "dictionaries": {name: {"values": values} for name, values in dictionaries.items()},
            "parameters": {
                **{
                    f"path.{name}": {"dictionary": name, "probability": REAL_VALUE_PROBABILITY}
                    for name in dictionaries
                },
                "body.scene": {"dictionary": "number", "probability": REAL_VALUE_PROBABILITY},
            },
        }
    )
    return schemathesis.openapi.from_asgi("/openapi.json", app, config=config)


schema = schemathesis.pytest.from_fixture("api_schema")


@pytest.fixture(autouse=True)
def _node_id_for_schemathesis(request: pytest.FixtureRequest) -> None:
    """Schemathesis 4.32 renames lazy tests through `node._nodeid`, which pytest 9.2 dropped."""
    request.node._nodeid = request.node.nodeid


@schema.parametrize()
def test_no_request_gets_a_server_error(case: schemathesis.Case, client: TestClient) -> None:
    response = case.call_and_validate(checks=[not_a_server_error])
    if response.status_code == 202:
        # Cancel accepted renders and revisions at once: frames the fuzzer asks for can be
        # 8 × 4096² px, and a queue of them would slow every later request on 2 cores.
        cancelled = client.post(f"/v1/jobs/{response.json()['job_id']}/cancel")
        assert cancelled.status_code in {200, 409}, cancelled.text
