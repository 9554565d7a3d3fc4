"""Run every benchmark in one go and print one table: `python -m bench` (or bench/run_all.py).

Builds the synthetic Tayside and national databases in a temporary folder,
runs each benchmark against its bare baseline, prints the results as a
Markdown table with the machine they ran on, and writes them to
bench/out/results.json and bench/out/results.md. Not part of the test suite.
"""
from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import platform
import shutil
import sqlite3
import sys
import tempfile
import time
import traceback
from importlib import metadata
from pathlib import Path

if __package__ in (None, ""):  # run as a script: bench/run_all.py
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
    __package__ = "bench"

from bench import synthetic
from bench.common import PROJECT, Row, format_table, save_rows

BENCHMARKS = ("budgets", "submit", "connections", "instructions", "render", "pdf", "aggregate", "dashboard")
LIBRARIES = ("Flask", "Werkzeug", "Jinja2", "MarkupSafe", "WTForms", "Flask-WTF", "sqlite-utils", "pandas",
             "numpy", "reportlab", "gunicorn")


def machine() -> dict:
    """Describe the machine and the software the numbers were measured with."""
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor())
    mem_kb = next(int(line.split()[1]) for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))
    versions = {}
    for name in LIBRARIES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "nproc": os.cpu_count(), "cpu": cpu, "ram_gb": round(mem_kb / 1024 / 1024, 1),
        "python": platform.python_version(), "sqlite": sqlite3.sqlite_version, "libraries": versions,
        "platform": platform.platform(),
    }


def fsync_probe(directory: Path, count: int = 50) -> float:
    """Return the median milliseconds of a 4 KB append plus fsync in the work folder."""
    path = directory / "fsync-probe"
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_TRUNC)
    times = []
    try:
        for _ in range(count):
            os.write(fd, b"x" * 4096)
            start = time.perf_counter()
            os.fsync(fd)
            times.append(time.perf_counter() - start)
    finally:
        os.close(fd)
        path.unlink()
    return sorted(times)[count // 2] * 1000


def conditions(directory: Path) -> dict:
    """Record how busy the machine is now: other work on it moves every number."""
    return {"loadavg": os.getloadavg(), "fsync_ms": round(fsync_probe(directory), 2)}


def run(selected: tuple[str, ...], directory: Path, seconds: float) -> tuple[list[Row], dict]:
    """Run the selected benchmarks; return rows and a log of timings and conditions."""
    log = {"conditions": {"start": conditions(directory)}, "seconds": {}}
    rows: list[Row] = []
    tayside = national = None

    def step(name, fn):
        nonlocal rows
        print(f"[bench] {name} ...", file=sys.stderr, flush=True)
        start = time.perf_counter()
        try:
            rows += fn()
        except Exception as exc:
            traceback.print_exc()
            rows.append(Row(name, "failed", float("nan"), None, "", passed=False, note=repr(exc)[:300]))
        log["seconds"][name] = round(time.perf_counter() - start, 1)
        log["conditions"][name] = conditions(directory)
        print(f"[bench] {name} done in {log['seconds'][name]} s", file=sys.stderr, flush=True)

    if {"budgets", "submit", "connections", "instructions", "render", "pdf"} & set(selected):
        start = time.perf_counter()
        tayside = synthetic.build_in_child(directory / "tayside", synthetic.TAYSIDE)
        log["seconds"]["build tayside"] = round(time.perf_counter() - start, 1)
    if "budgets" in selected:
        from bench import budgets
        step("budgets", lambda: budgets.run(tayside, directory / "tayside", seconds))
    if "render" in selected:
        from bench import render
        step("render", lambda: render.run(tayside, directory / "tayside"))
    if "submit" in selected:
        from bench import submit
        step("submit", lambda: submit.run(tayside, directory / "tayside", seconds))
    if "connections" in selected:
        from bench import connections
        step("connections", lambda: connections.run(tayside, directory / "tayside"))
    if "instructions" in selected:
        from bench import instructions
        step("instructions", lambda: instructions.run(tayside, directory / "tayside"))
    if "pdf" in selected:
        from bench import pdf
        step("pdf", lambda: pdf.run(tayside, directory / "tayside"))
    if {"aggregate", "dashboard"} & set(selected):
        start = time.perf_counter()
        national = synthetic.build_in_child(directory / "national", synthetic.NATIONAL)
        log["seconds"]["build national"] = round(time.perf_counter() - start, 1)
    if "aggregate" in selected:
        from bench import aggregate
        step("aggregate", lambda: aggregate.run(national))
    if "dashboard" in selected:
        from bench import dashboard
        step("dashboard", lambda: dashboard.run(national, directory / "national"))
    return rows, log


def report(rows: list[Row], info: dict, log: dict, command: str, total: float) -> str:
    """Return the results as Markdown: the machine, the conditions, the table."""
    libs = ", ".join(f"{k} {v}" for k, v in info["libraries"].items())
    start, end = log["conditions"]["start"], log["conditions"].get(list(log["conditions"])[-1])
    lines = [
        f"Measured {info['date']} with `{command}` in {total:.0f} s.",
        "",
        f"- machine: {info['nproc']} cores, {info['cpu']}, {info['ram_gb']} GB RAM; {info['platform']}",
        f"- software: Python {info['python']}, SQLite {info['sqlite']}; {libs}",
        f"- load average at start {start['loadavg'][0]:.2f}, at end {end['loadavg'][0]:.2f}; "
        f"4 KB fsync median {start['fsync_ms']} ms at start, {end['fsync_ms']} ms at end",
        "- seconds per step: " + ", ".join(f"{k} {v}" for k, v in log["seconds"].items()),
        "",
        format_table(rows),
    ]
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    """Parse the command line, run, print and save the results."""
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.splitlines()[0])
    parser.add_argument("--only", nargs="+", choices=BENCHMARKS, default=list(BENCHMARKS),
                        help="run only these benchmarks")
    parser.add_argument("--seconds", type=float, default=10.0,
                        help="measured seconds per side at each concurrency of the submission benchmark")
    parser.add_argument("--workdir", type=Path, help="folder for the databases (default: a new temporary one)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder afterwards")
    parser.add_argument("--out", type=Path, default=PROJECT / "bench" / "out", help="where to save the results")
    args = parser.parse_args(argv)
    directory = args.workdir or Path(tempfile.mkdtemp(prefix="surveyapp-bench-"))
    directory.mkdir(parents=True, exist_ok=True)
    command = "python -m bench " + " ".join(sys.argv[1:] if argv is None else argv)
    info = machine()
    start = time.perf_counter()
    try:
        rows, log = run(tuple(args.only), directory, args.seconds)
    finally:
        if not args.keep and not args.workdir:
            shutil.rmtree(directory, ignore_errors=True)
    total = time.perf_counter() - start
    text = report(rows, info, log, command.strip(), total)
    print(text)
    args.out.mkdir(parents=True, exist_ok=True)
    save_rows(rows, args.out / "results.json")
    (args.out / "results.md").write_text(text + "\n")
    (args.out / "run.json").write_text(json.dumps({"machine": info, "log": log}, indent=2))
    return 0 if all(r.passed is not False for r in rows) else 1


if __name__ == "__main__":
    sys.exit(main())
