"""Make attune/web/accounts/breached_passwords.txt from zxcvbn's list of leaked passwords.

    pip download --no-deps zxcvbn==4.5.0 -d /tmp/zx && (cd /tmp/zx && unzip -o -q zxcvbn-4.5.0-*.whl)
    python scripts/breached_passwords.py /tmp/zx > attune/web/accounts/breached_passwords.txt

The source is the ``passwords`` frequency list of zxcvbn-python 4.5.0 (MIT licence, PyPI
``zxcvbn``): the 30,000 most frequent passwords of Mark Burnett's "10 million passwords" set of
leaked passwords (2015, released into the public domain). Only entries of at least
``MIN_CHARS`` characters are kept: attune refuses shorter passwords anyway, and Django's own list
(which attune also checks) covers the short ones. Lower-cased, sorted, one per line.
"""

from __future__ import annotations

import sys
from pathlib import Path

MIN_CHARS = 10

HEADER = """\
# Leaked passwords of 10 characters or more, lower-cased, sorted; checked with no network call.
# Made by scripts/breached_passwords.py from the "passwords" list of zxcvbn-python 4.5.0
# (https://pypi.org/project/zxcvbn/), itself the 30,000 most frequent passwords of Mark Burnett's
# "10 million passwords" set (2015, public domain). zxcvbn-python: MIT License, Copyright (c) 2016
# Daniel Wolf; its licence is in breached_passwords.LICENSE.txt beside this file.
"""


def main(folder: str) -> None:
    sys.path.insert(0, folder)
    from zxcvbn.frequency_lists import FREQUENCY_LISTS  # type: ignore[import-not-found]

    words = sorted({p.lower() for p in FREQUENCY_LISTS["passwords"] if len(p) >= MIN_CHARS})
    sys.stdout.write(HEADER + "".join(f"{w}\n" for w in words))


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else str(Path.cwd()))
