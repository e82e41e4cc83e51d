"""`python -m app.scheduling`: see app/scheduling/cli.py."""

import sys

from app.scheduling.cli import main

sys.exit(main())
