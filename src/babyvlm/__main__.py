"""`python -m babyvlm` runs the `babyvlm` command."""

import sys

from babyvlm.cli import main

sys.exit(main())
