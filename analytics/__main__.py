"""``python -m analytics`` runs the command line."""

import sys

from analytics.cli.main import main

sys.exit(main())
