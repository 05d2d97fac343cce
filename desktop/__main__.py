"""``python -m desktop`` and the frozen binary's entry."""

import sys

from desktop.cli import main

if __name__ == "__main__":
    sys.exit(main())
