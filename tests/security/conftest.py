import logging

import pytest


@pytest.fixture
def security_log(caplog):
    """The parsed lines of the `passerelle.security` log written during the test."""
    import json

    logger = logging.getLogger("passerelle.security")
    logger.addHandler(caplog.handler)
    caplog.set_level(logging.INFO, logger="passerelle.security")

    class Lines:
        @property
        def raw(self) -> list[str]:
            return [r.getMessage() for r in caplog.records if r.name == "passerelle.security"]

        def events(self, name: str | None = None) -> list[dict]:
            parsed = [json.loads(line) for line in self.raw]
            return [p for p in parsed if name is None or p["event"] == name]

    try:
        yield Lines()
    finally:
        logger.removeHandler(caplog.handler)


# A supplier profile (working, submitted, approved) as the suppliers tests build it.
from tests.suppliers.conftest import approved, profile, reference, submitted  # noqa: E402, F401
