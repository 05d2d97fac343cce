"""``python -m desktop`` and the frozen binary's entry."""

import sys

from desktop.entry import main

if __name__ == "__main__":
    sys.exit(main())
