"""The public interface against its own OpenAPI document (/openapi.json), fuzzed by Schemathesis.

Every operation the document lists gets requests generated from its parameters, valid ones and
invalid ones, sent to the app (WSGI, no network) with the demo edition published. Each answer must
not be a server error, must use a status code the document lists for the operation, and must match
the documented content type, headers and body schema. A failure names the operation and the case.
"""

import pytest
import schemathesis
from hypothesis import HealthCheck, Phase, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis.checks import not_a_server_error
from schemathesis.core.failures import Failure, FailureGroup
from schemathesis.specs.openapi.checks import (
    content_type_conformance, response_headers_conformance, response_schema_conformance, status_code_conformance,
)

from awards import create_app
from awards.extensions import db
from tests.conftest import _config

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 25  # per operation and mode


def run_operation(operation, mode, failures: list, counts: dict) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True,
              phases=[Phase.explicit, Phase.generate],
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy(generation_mode=mode))
    def run(case):
        counts["cases"] += 1
        try:
            response = case.call_and_validate(checks=CHECKS)
            counts["statuses"].add(response.status_code)
        except FailureGroup as group:  # one per case, with every check that failed
            failures.extend(f"{operation.label} ({mode.value}): {type(exc).__name__}: {exc}"
                            for exc in group.exceptions)
        except Failure as exc:
            failures.append(f"{operation.label} ({mode.value}): {type(exc).__name__}: {exc}")

    try:
        run()
    except Unsatisfiable:
        # Nothing invalid can be written for this operation (e.g. only free-text parameters).
        assert mode is schemathesis.GenerationMode.NEGATIVE, operation.label
        counts["no_negative"].append(operation.label)


APPS = []


def load(app, **config):
    # A second app on the same database, answering any host (the suite's app expects tuzo.test).
    wsgi = create_app({**_config(app.config["SQLALCHEMY_DATABASE_URI"]), "SERVER_NAME": None, **config})
    APPS.append(wsgi)
    schema = schemathesis.openapi.from_wsgi("/openapi.json", wsgi)
    return [result.ok() for result in schema.get_all_operations()], schema


@pytest.fixture(autouse=True)
def _close_extra_apps():
    yield
    while APPS:
        with APPS.pop().app_context():
            db.engine.dispose()  # their connections, closed now rather than by the garbage collector


def test_the_public_interface_conforms_to_its_openapi_document(app, demo):
    operations, schema = load(app)
    # Every documented operation but the document itself (Schemathesis leaves out the path it loaded).
    assert sorted(o.path for o in operations) == sorted(set(schema.raw_schema["paths"]) - {"/openapi.json"})
    # The certificate lookups again with a tiny rate limit, so that most answers are the 429.
    limited, _ = load(app, VERIFY_RATE_LIMIT="2 per hour")
    limited = [o for o in limited if o.path.startswith("/verify")]
    assert len(limited) == 2
    failures: list[str] = []
    counts = {"cases": 0, "no_negative": [], "statuses": set()}
    for operation in operations + limited:
        for mode in (schemathesis.GenerationMode.POSITIVE, schemathesis.GenerationMode.NEGATIVE):
            run_operation(operation, mode, failures, counts)
    print(f"schemathesis: {len(operations)} operations, {counts['cases']} cases, {len(failures)} failures; "
          f"statuses {sorted(counts['statuses'])}; "
          f"no invalid input possible for {sorted(set(counts['no_negative']))}")
    assert counts["cases"] >= len(operations) * 2
    assert failures or {200, 304, 404, 429} <= counts["statuses"]  # the answers the document lists were seen
    assert failures == [], "\n\n".join(dict.fromkeys(failures))
