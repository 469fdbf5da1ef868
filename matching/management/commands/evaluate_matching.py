"""`manage.py evaluate_matching`: matching quality on real award data (see matching.evaluation)."""

from __future__ import annotations

import datetime
import json
import sys
import time
from contextlib import ExitStack
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from tqdm import tqdm

from matching import evaluation
from matching.decp import Report


class Command(BaseCommand):
    help = (
        "Build suppliers from the DECP awards notified before --split-date and tenders from "
        "those after it, in a scratch database removed afterwards; rank every supplier for "
        "each tender with the matching engine and print hit@1/5/10/50 and MRR of the winners."
    )

    def add_arguments(self, parser):
        parser.add_argument("--decp", required=True, type=Path, help="DECP JSON file")
        parser.add_argument(
            "--split-date", required=True, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        parser.add_argument(
            "--until",
            type=datetime.date.fromisoformat,
            help="YYYY-MM-DD: leave out the awards notified on or after this day",
        )
        parser.add_argument("--out", type=Path, help="write one JSON line per tender here")

    def handle(self, *args, decp: Path, split_date: datetime.date, out: Path | None, **options):
        if not Path(decp).is_file():
            raise CommandError(f"{decp}: no such file.")
        until = options.get("until")
        if until and until <= split_date:
            raise CommandError("--until must come after --split-date.")
        try:  # read before any database is created: a wrong file costs nothing
            data = evaluation.read_decp(Path(decp))
        except evaluation.DecpFileError as error:
            raise CommandError(str(error)) from error
        started = time.monotonic()
        with ExitStack() as stack:
            # The ranks go to a file next to OUT, which replaces OUT only once every tender is
            # ranked: a run that fails leaves an earlier OUT as it was, and an OUT that cannot
            # be written is known before minutes of work.
            partial = out.with_name(out.name + ".part") if out else None
            try:
                handle = stack.enter_context(open(partial, "w", encoding="utf-8")) if out else None
            except OSError as error:
                reason = error.strerror or error
                raise CommandError(f"--out {out}: cannot write there ({reason}).") from error
            if partial:
                stack.callback(partial.unlink, missing_ok=True)
            stack.enter_context(evaluation.scratch_database())
            evaluation.load_reference(self.stderr.write)
            report = Report()
            built = evaluation.build(data, split_date, report, until=until)
            self.stderr.write("\n".join(report.lines()))
            bar = stack.enter_context(
                tqdm(
                    total=len(built.tenders),
                    desc="ranking",
                    unit=" tenders",
                    disable=not sys.stderr.isatty(),
                    file=sys.stderr,
                )
            )
            result = evaluation.evaluate(
                built,
                (lambda row: handle.write(json.dumps(row) + "\n"))
                if handle
                else (lambda row: None),
                progress=bar.update,
            )
            if handle:
                handle.close()
                partial.replace(out)
        self.stderr.write(f"done in {time.monotonic() - started:.0f} s; scratch database dropped")
        self.stdout.write("  ".join(f"{key} {value}" for key, value in result.items()))
        self.stdout.write(json.dumps(result))
