"""The OpenAPI schema validates with no warning; it and the docs are served offline."""

import pytest
from django.contrib.staticfiles import finders
from django.core.management import call_command

pytestmark = pytest.mark.django_db


def test_it_generates_a_valid_schema_without_warnings(tmp_path):
    out = tmp_path / "schema.yaml"
    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(out))
    assert "/api/v1/follows/{tender_id}/shortlist/" in out.read_text()


def test_it_serves_the_schema_to_anyone(client):
    response = client.get("/api/schema/?format=json")
    assert response.status_code == 200
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert "bearerAuth" in schema["components"]["securitySchemes"]
    for path, operations in schema["paths"].items():
        for method, operation in operations.items():
            assert operation.get("summary") or operation.get("description"), (method, path)
            assert "429" in operation["responses"], (method, path)


def test_it_serves_the_docs_from_its_own_static_files(client):
    response = client.get("/api/docs/")
    assert response.status_code == 200
    html = response.content.decode()
    assert "/static/drf_spectacular_sidecar/swagger-ui-dist/" in html
    assert "cdn" not in html.lower() and "unpkg" not in html.lower()
    # Nothing inline for the Content-Security-Policy to block: its style is a static file.
    assert "<style" not in html and "<script>" not in html
    assert "/static/css/swagger.css" in html and finders.find("css/swagger.css")
    assert finders.find("drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js")
    script = client.get("/api/docs/?script=")  # the split view's script, no inline JavaScript
    assert script.status_code == 200
