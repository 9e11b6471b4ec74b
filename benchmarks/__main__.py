"""`python -m benchmarks [--quick] [--only ack,latency,burst]`: run, print, write the doc."""

from __future__ import annotations

import argparse
import asyncio
import gc
import os
import signal
import sys
import tempfile
import time
import traceback
from pathlib import Path

from benchmarks.budget import budget_overhead
from benchmarks.compare import echo_ratio
from benchmarks.endtoend import end_to_end
from benchmarks.memory import drafts_memory
from benchmarks.report import code_version, console, machine, markdown, versions, write_doc
from benchmarks.scaleout import scale_out
from benchmarks.scenarios import Config, Result
from benchmarks.stats import machine_cpu, own_cpu
from benchmarks.triage import ALL_SCENARIOS as SERVER_SCENARIOS

ROOT = Path(__file__).resolve().parent.parent
SCENARIOS = {
    **SERVER_SCENARIOS,
    "budget": budget_overhead,
    "echo": echo_ratio,
    "scaleout": scale_out,
    "memory": drafts_memory,
    "e2e": end_to_end,
}
DOC = ROOT / "docs" / "benchmarks.md"
_PROXIES = {"http_proxy", "https_proxy", "all_proxy"}
TOTAL_LIMIT = 3000.0  # seconds; each scenario has its own, smaller limits too


def parser() -> argparse.ArgumentParser:
    """Command-line options."""
    p = argparse.ArgumentParser(prog="python -m benchmarks", description=__doc__)
    p.add_argument(
        "--quick", action="store_true", help="small counts for a smoke run; does not write the doc"
    )
    p.add_argument(
        "--only",
        default=",".join(SCENARIOS),
        help=f"comma-separated scenarios to run (default: {','.join(SCENARIOS)})",
    )
    p.add_argument("--doc", type=Path, default=DOC, help="where to write the figures")
    p.add_argument("--no-doc", action="store_true", help="print only")
    p.add_argument(
        "--section",
        default="",
        help="write the figures into this named section of the doc (e.g. after an --only run), "
        "leaving the main one as it is",
    )
    p.add_argument(
        "--db-dir",
        type=Path,
        default=None,
        help="folder for the SQLite files (default: the system temp folder)",
    )
    p.add_argument(
        "--reporters",
        type=int,
        default=None,
        help="reporters in the e2e scenario (default: 1,000; 10 with --quick)",
    )
    p.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    p.add_argument(
        "--probe",
        action="store_true",
        help="diagnostics: time the server's commits, worker and dispatcher "
        "(benchmarks/probe.py); does not write the doc",
    )
    p.add_argument(
        "--profile",
        type=Path,
        default=None,
        help="diagnostics: run each server under cProfile, writing FOLDER/server-*.prof "
        "(and echo-*.prof) on exit; does not write the doc",
    )
    p.add_argument(
        "--no-worker",
        action="store_true",
        help="diagnostics, with --only ack: the inbox worker does nothing, to show "
        "what ingest alone can do; does not write the doc",
    )
    return p


async def _run(names: list[str], cfg: Config) -> list[Result]:
    task = asyncio.current_task()
    loop = asyncio.get_running_loop()
    if task is not None:  # SIGTERM: unwind like Ctrl-C, so the server subprocess is stopped
        loop.add_signal_handler(signal.SIGTERM, task.cancel)
    results: list[Result] = []
    for name in names:
        print(f"running {name} ...", flush=True)
        started = time.monotonic()
        # The fake Bot API stamps the calls we count; a garbage-collection pause in this process
        # would bunch its stamps. Memory is no concern for a few minutes.
        gc.collect()
        gc.disable()
        busy0, steal0 = machine_cpu()
        own0 = own_cpu()
        try:
            result = await SCENARIOS[name](cfg)
        except Exception as exc:
            traceback.print_exc()
            result = Result(name, "-", f"error: {type(exc).__name__}: {exc}", False)
        finally:
            gc.enable()
        busy1, steal1 = machine_cpu()
        wall = time.monotonic() - started
        other = (busy1 - busy0) - (own_cpu() - own0)
        result.notes.append(
            f"the rest of the machine (not the benchmark, the server or the load generator) "
            f"used {max(other, 0.0):.1f} s of CPU in the scenario's {wall:.0f} s"
            + (
                f", and the hypervisor stole {steal1 - steal0:.1f} s"
                if steal1 - steal0 >= 0.05
                else ""
            )
        )
        results.append(result)
        print(f"  {name} took {time.monotonic() - started:.0f} s", flush=True)
    return results


def main(argv: list[str] | None = None) -> int:
    """Run the selected scenarios; print the table; write docs/benchmarks.md after a full run."""
    argv = sys.argv[1:] if argv is None else argv
    args = parser().parse_args(argv)
    names = [n.strip() for n in args.only.split(",") if n.strip()]
    unknown = [n for n in names if n not in SCENARIOS]
    if unknown:
        parser().error(f"unknown scenario(s): {', '.join(unknown)}")
    if args.no_worker and names != ["ack"]:
        parser().error("--no-worker only makes sense with --only ack (nothing would reply)")
    cfg = Config.quick() if args.quick else Config()
    cfg.db_dir = args.db_dir
    if args.reporters:
        cfg.e2e_reporters = args.reporters
    cfg.probe = ",".join(
        p
        for p, on in (("timings", args.probe or args.no_worker), ("no-worker", args.no_worker))
        if on
    )
    if args.profile:
        os.environ["BENCH_PROFILE_DIR"] = str(args.profile)  # read by benchmarks.server
    for name in [k for k in os.environ if k.lower() in _PROXIES]:
        del os.environ[name]  # everything here talks to 127.0.0.1 directly, never via a proxy
    code = code_version(ROOT)
    try:
        results = asyncio.run(asyncio.wait_for(_run(names, cfg), TOTAL_LIMIT))
    except (KeyboardInterrupt, asyncio.CancelledError):
        print("interrupted; the servers were stopped, nothing was written", file=sys.stderr)
        return 130
    except TimeoutError:
        print(
            f"gave up after {TOTAL_LIMIT:.0f} s; the servers were stopped, nothing was written",
            file=sys.stderr,
        )
        return 1
    info = [("code", code), *machine(args.db_dir or Path(tempfile.gettempdir()))]
    if code_version(ROOT) != code:
        info[0] = ("code", f"{code} (the code changed during the run: now {code_version(ROOT)})")
    print(console(results, info, args.quick), end="")
    command = " ".join(["python -m benchmarks", *argv])
    if args.quick or args.no_doc or cfg.probe or args.profile:
        print("(not writing the doc)")
    else:
        write_doc(
            args.doc, markdown(results, info, versions(), command, args.section), args.section
        )
        print(f"written to {args.doc}")
    errored = any(r.figure.startswith("error:") for r in results)
    missed = any(not r.passed for r in results)
    return 1 if errored or (args.strict and missed) else 0


if __name__ == "__main__":
    sys.exit(main())
