"""`python -m enforcement_rules …`: the command line, as `enforcement-rules …`."""

import sys

from .cli import main

sys.exit(main())
