"""Validate OCDS JSON against the official 1.1.5 schemas, offline.

The package schemas refer to the release schema by its https URI: a local registry maps that URI
to the dereferenced file, so that nothing is ever fetched from the internet."""

import json
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator
from referencing import Registry, Resource
from referencing.jsonschema import DRAFT4

BASE_URI = "https://standard.open-contracting.org/schema/1__1__5/"


@cache
def _schemas(schema_dir: Path) -> tuple[dict, dict, dict, Registry]:
    def load(name):
        return json.loads((schema_dir / name).read_text(encoding="utf-8"))

    release = load("dereferenced-release-schema.json")

    def retrieve_nothing(uri):
        raise LookupError(f"would fetch {uri}: refused, the schemas must be local")

    registry = Registry(retrieve=retrieve_nothing).with_resources(
        [
            (BASE_URI + "release-schema.json", Resource(release, DRAFT4)),
            (
                BASE_URI + "versioned-release-validation-schema.json",
                Resource(load("versioned-release-validation-schema.json"), DRAFT4),
            ),
        ]
    )
    return (
        release,
        load("release-package-schema.json"),
        load("record-package-schema.json"),
        registry,
    )


def errors(instance: dict, kind: str, schema_dir: Path) -> list[str]:
    """Validation errors of INSTANCE as a 'release', 'release_package' or 'record_package'."""
    release, release_package, record_package, registry = _schemas(schema_dir)
    schema = {"release": release, "release_package": release_package}.get(kind, record_package)
    validator = Draft4Validator(schema, registry=registry)
    return [f"{list(e.absolute_path)}: {e.message}" for e in validator.iter_errors(instance)]
