"""schemathesis against the OpenAPI schema, in-process (WSGI, test database): every operation,
with positive and negative data, sent as each role (anonymous, supplier, buyer, ministry
author, moderator) with that role's personal token. No 5xx; every response conforms to the
schema (status code, content type, headers, body)."""

import json
import re

import pytest
import schemathesis
from django.core.signals import request_finished, request_started
from django.db import close_old_connections
from drf_spectacular.generators import SchemaGenerator
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from schemathesis import GenerationMode
from schemathesis import checks as st_checks
from schemathesis.specs.openapi import checks as oas_checks

from portal.wsgi import application
from suppliers.models import SupplierProfile

pytestmark = pytest.mark.django_db

MAX_EXAMPLES = 20  # per operation; each example is sent once per role
ROLES = ["anonymous", "supplier", "buyer", "ministry_author", "moderator"]
CHECKS = [
    st_checks.not_a_server_error,
    oas_checks.status_code_conformance,
    oas_checks.content_type_conformance,
    oas_checks.response_schema_conformance,
    oas_checks.response_headers_conformance,
]


def _load_schema():
    # The document /api/schema/ serves (test_schema.py checks that), generated without a
    # request so that collecting the tests needs no database.
    document = json.loads(json.dumps(SchemaGenerator().get_schema(request=None, public=True)))
    loaded = schemathesis.openapi.from_dict(document)
    loaded.app = application
    return loaded


@pytest.fixture
def role_headers(request, world, bearer, settings):
    """Each role's Authorization header (none for anonymous callers)."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "localhost"]  # schemathesis's WSGI host
    # Like Django's test client: a request ending must not close the test's connection (and
    # with it the transaction that holds the test data).
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        yield {
            role: {}
            if role == "anonymous"
            else {"Authorization": f"Bearer {bearer(request.getfixturevalue(role)).key}"}
            for role in ROLES
        }
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def _strategy(operation, ids: dict[str, int]):
    """Random data, invalid data, and valid data aimed at the objects that exist (the followed
    tender, the approved supplier, its profile), so that success paths are exercised too."""
    strategies = [
        operation.as_strategy(GenerationMode.POSITIVE),
        operation.as_strategy(GenerationMode.NEGATIVE),
    ]
    names = re.findall(r"{(\w+)}", operation.path)
    if names:
        real = {name: ids[name] for name in names}
        strategies.append(operation.as_strategy(GenerationMode.POSITIVE, path_parameters=real))
    return st.one_of(strategies)


def test_it_conforms_to_its_schema_for_every_role(role_headers, world):
    schema = _load_schema()
    ids = {
        "tender_id": world["tender"].pk,
        "supplier_id": world["supplier"].pk,
        "profile_id": SupplierProfile.objects.get(organization=world["supplier"], is_live=False).pk,
    }
    failures = []
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) > 25
    for operation in operations:

        @given(case=_strategy(operation, ids))
        @settings(
            max_examples=MAX_EXAMPLES,
            derandomize=True,
            deadline=None,
            database=None,
            suppress_health_check=list(HealthCheck),
        )
        def check(case):
            for role, headers in role_headers.items():
                try:
                    case.call_and_validate(headers=headers, checks=CHECKS)
                except (Exception, BaseExceptionGroup) as exc:
                    exc.add_note(f"as {role}")
                    raise

        try:
            check()
        except (Exception, BaseExceptionGroup) as exc:  # report every operation that fails
            notes = "\n".join(getattr(exc, "__notes__", []))
            failures.append(f"{operation.label}: {exc}\n{notes}")
    assert not failures, "\n\n".join(failures)
