"""Benchmark 1, counted: the instructions of one respondent journey, app against bare, under cachegrind.

Throughput and CPU time on this shared virtual machine move with whatever else
the host runs (steal took up to 0.8 of its 2 cores during some runs). The
number of instructions a journey executes does not: valgrind's cachegrind
counts them the same on a busy host and a quiet one, to a percent or so. So
this measures what the app's own code costs against the bare route's, and
whether a change made it cheaper, apart from the weather.

The parent prepares the database and signs a service lead in (scrypt would
take minutes under valgrind); each child copies the database and, under
`valgrind --tool=cachegrind`, runs warm-up journeys on both sides and then N
journeys on one. A child with N = 0 gives the fixed cost (interpreter, imports,
warm-up), so (instructions with N - instructions with 0) / N is one journey.
Instructions are not time (the app's larger code misses caches more often),
so this complements the CPU figures; it does not replace them.

Needs valgrind (Debian: apt-get install valgrind); skipped when it is missing.
Run alone: python -m bench.instructions
"""
from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from . import synthetic
from .common import PROJECT, Row, app_config, copy_database, run_alone

JOURNEYS = 10  # measured journeys per side; three warm-up journeys each side come first
WARM = 3
VALGRIND = shutil.which("valgrind")
I_REFS = re.compile(r"I\s+refs:\s+([\d,]+)")


def _state(built: synthetic.Built, directory: Path) -> Path:
    """Prepare the database, sign a lead in, and write what each child needs to a JSON file."""
    from surveyapp import create_app

    from .render import signed_in_client
    from .submit import prepare

    path, plans, journey = prepare(built, directory, clients=1)
    plan = plans[0]
    config = app_config(path, built)
    client, token = signed_in_client(create_app(config), plan.email)
    state = directory / "instructions.json"
    state.write_text(json.dumps({
        "config": config, "cookie": client.get_cookie("session").value, "token": token,
        "org_id": plan.org_id, "email": plan.email, "rounds": plan.rounds[:2 * WARM + JOURNEYS + 1],
        "domains": journey.domains, "answers": journey.answers}))
    return state


def child(state_path: str, side: str, count: int) -> None:
    """Run the warm-up journeys on both sides, then `count` journeys on one side (under valgrind)."""
    from surveyapp import create_app

    from . import bare_app
    from .connections import journey

    state = json.loads(Path(state_path).read_text())
    folder = Path(tempfile.mkdtemp(prefix="instructions-"))
    try:
        path = copy_database(Path(state["config"]["DATABASE"]), folder / "journey.sqlite")
        app = create_app({**state["config"], "DATABASE": str(path)}).test_client()
        app.set_cookie("session", state["cookie"])
        bare = bare_app.create_bare_app(str(path)).test_client()
        rounds = iter(state["rounds"])
        sides = {
            "app": lambda: journey(app, f"/rounds/{next(rounds)}/organisations/{state['org_id']}", "",
                                   state["token"], state["domains"], state["answers"]),
            "bare": lambda: journey(bare, f"/bare/rounds/{next(rounds)}/organisations/{state['org_id']}",
                                    f"?r={state['email']}", state["token"], state["domains"], state["answers"]),
        }
        for _ in range(WARM):
            sides["app"]()
            sides["bare"]()
        for _ in range(count):
            sides[side]()
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _instructions(state: Path, side: str, count: int) -> int:
    """Return the instructions a child executed, counted by cachegrind."""
    result = subprocess.run(
        [VALGRIND, "--tool=cachegrind", "--cache-sim=no", "--cachegrind-out-file=/dev/null",
         sys.executable, "-m", "bench.instructions", "--child", str(state), side, str(count)],
        cwd=PROJECT, capture_output=True, text=True, env={**os.environ, "PYTHONHASHSEED": "0"}, check=True)
    return int(I_REFS.search(result.stderr).group(1).replace(",", ""))


def run(built: synthetic.Built, directory: Path) -> list[Row]:
    """Count one journey's instructions on each side; return the result row."""
    if VALGRIND is None:
        return [Row("1 submissions", "instructions of one journey (cachegrind): skipped, valgrind is not installed",
                    float("nan"), None, "")]
    folder = directory / "instructions"
    folder.mkdir(parents=True, exist_ok=True)
    state = _state(built, folder)
    with ThreadPoolExecutor(max_workers=os.cpu_count() or 2) as pool:  # three children, one per core
        fixed, app, bare = pool.map(lambda job: _instructions(state, *job),
                                    [("app", 0), ("app", JOURNEYS), ("bare", JOURNEYS)])
    per_app, per_bare = (app - fixed) / JOURNEYS, (bare - fixed) / JOURNEYS
    return [Row("1 submissions", "in process: instructions of one journey (14 requests), counted by cachegrind",
                per_app / 1e6, per_bare / 1e6, "M instr", higher_is_better=False,
                note=f"{JOURNEYS} journeys a side after {WARM} warm-up journeys each, less a child that ran "
                     f"only the warm-up ({fixed / 1e9:.2f} G instructions); steady to about a percent "
                     f"whatever the host is doing")]


def main() -> None:
    """Run this benchmark alone on a fresh Tayside database, or be one of its children."""
    if len(sys.argv) == 5 and sys.argv[1] == "--child":
        child(sys.argv[2], sys.argv[3], int(sys.argv[4]))
    else:
        run_alone("tayside", run)


if __name__ == "__main__":
    main()
