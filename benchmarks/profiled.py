"""Diagnostics only (`python -m benchmarks --profile DIR`): a program under cProfile.

`python -m benchmarks.profiled OUT MODULE ARGS...` runs MODULE's `main()` as `python -m MODULE
ARGS...` would, and writes the profile to OUT when it ends. uvicorn re-raises SIGTERM once it
has shut down; a Python handler here turns that into SystemExit so the profile is still written
(`python -m cProfile` would die with the signal and write nothing).
"""

from __future__ import annotations

import cProfile
import importlib
import signal
import sys
from typing import NoReturn


def _exit(_signum: int, _frame: object) -> NoReturn:
    raise SystemExit(0)


def main() -> None:
    """Run the module's main() under the profiler."""
    out, module, *args = sys.argv[1:]
    signal.signal(signal.SIGTERM, _exit)
    sys.argv = [module, *args]
    entry = importlib.import_module(module).main
    profile = cProfile.Profile()
    try:
        profile.runcall(entry)
    except SystemExit:
        pass
    finally:
        profile.dump_stats(out)


if __name__ == "__main__":
    main()
