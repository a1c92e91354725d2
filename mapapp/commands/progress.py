"""Progress of a long command on stderr: one updating line on a terminal, one line per step in a log."""

from __future__ import annotations

import sys

from mapapp.outputs import Progress


def stderr_progress(task: str) -> Progress:
    tty = sys.stderr.isatty()

    def report(share: float, what: str) -> None:
        line = f"{task}: {share:4.0%} {what}"
        if tty:
            print("\r" + line.ljust(72), end="\n" if share >= 1 else "", file=sys.stderr, flush=True)
        else:
            print(line, file=sys.stderr)

    return report
