"""Allow ``python -m trailwatch``."""

from trailwatch.cli import main

main()
