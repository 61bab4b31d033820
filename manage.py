#!/usr/bin/env python
"""Django's command-line utility.

With no DATABASE_URL, every command runs under the embedded PostgreSQL supervisor
(`workforce.platform.pgembed run`), which starts the private server first and stops it when the
command ends, however it ends (Ctrl-C, SIGTERM, an error).
"""

import os
import sys


def main():
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "workforce.settings")
    from workforce.platform import pgembed

    if not os.environ.get("DATABASE_URL") and os.environ.get(pgembed.SUPERVISED_ENV) != "1":
        sys.exit(pgembed.main(["run", "--", sys.executable, *sys.argv]))

    from django.core.management import execute_from_command_line

    execute_from_command_line(sys.argv)


if __name__ == "__main__":
    main()
