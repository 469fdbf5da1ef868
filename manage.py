#!/usr/bin/env python
"""Django's command-line utility for Passerelle."""

import os
import sys


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "portal.settings")
    from portal import devservices

    # With no DATABASE_URL / REDIS_URL, every command uses (and starts) the embedded servers.
    devservices.ensure_local_services()
    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
