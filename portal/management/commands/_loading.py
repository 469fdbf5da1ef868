"""Shared plumbing of the reference-data commands: a progress bar on a terminal, the report."""

from __future__ import annotations

import sys
from pathlib import Path

from django.core.management.base import CommandError
from tqdm import tqdm

from portal.reference import LOADERS, ReferenceFileError, count_rows


def run_loader(command, kind: str, path: Path) -> int:
    """Load PATH with the KIND loader, print the report; return the number of failed rows."""
    show_bar = command.stdout.isatty() if hasattr(command.stdout, "isatty") else sys.stdout.isatty()
    try:
        total = count_rows(path)
    except FileNotFoundError as exc:
        raise CommandError(f"{path}: no such file.") from exc
    with tqdm(
        total=total,
        desc=f"{kind} ({path.name})",
        unit=" rows",
        disable=not show_bar,
        file=sys.stderr,
    ) as bar:
        try:
            report = LOADERS[kind](path, progress=bar.update)
        except ReferenceFileError as exc:
            raise CommandError(str(exc)) from exc
    for line, reason in report.failures:
        command.stderr.write(f"{path.name}, line {line}: {reason}")
    command.stdout.write(f"{kind}: {report.summary()}")
    return report.failed
