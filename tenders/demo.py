"""Demo data of the tenders app, loaded by `manage.py load_demo` (idempotent)."""


def demo_load() -> dict[str, int]:
    return {}
