"""Child process for the kill -9 test of ``yishi store encrypt``: convert STORE in place, print "done".

Usage: python encrypt_child.py STORE PASSPHRASE
"""

from __future__ import annotations

import sys
from pathlib import Path

from desktop.store.encryption import encrypt_store


def main() -> int:
    print("ready", flush=True)
    encrypt_store(Path(sys.argv[1]), sys.argv[2])
    print("done", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
