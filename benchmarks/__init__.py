"""`make bench`: the real server on loopback against the fake Bot API, with figures.

Run `python -m benchmarks` from the project root (the full run, a few minutes; it rewrites the
figures in docs/benchmarks.md) or `python -m benchmarks --quick` (a smoke run with small counts
that writes nothing). Everything runs on 127.0.0.1, every loop is bounded by count and time, and
the server subprocess is always stopped (SIGTERM, then SIGKILL).
"""
