"""Write many report PDFs for one round, on several cores.

The benchmark is computed once, in the parent; worker processes receive it
when they start and only build and render reports. Each task names one
report; the comments an organisation's report quotes travel with its task.
Workers have no database: the parent also works out, for each report, which
earlier round its "change since the last round" compares with (the latest in
which that organisation or group has results, as the web pages do) and hands
those rounds' benchmarks over in the bundle.
"""
from __future__ import annotations

import copy
import dataclasses
import datetime as dt
import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

from surveyapp.assessments.rounds import group_members
from surveyapp.benchmarks.aggregation import RoundBenchmark
from surveyapp.benchmarks.disclosure import PUBLIC, Viewer
from surveyapp.benchmarks.group_detail import group_hidden_reason
from surveyapp.benchmarks.viewers import viewer_for_organisation
from surveyapp.render.pdf import render_pdf
from surveyapp.reports.model import RoundData, build_report

_WORKER: dict = {}
MAPPINGS = ("groups", "bands", "agreement_counts")  # a benchmark's read-only mappings, plain dicts in a pickle


@dataclass(frozen=True)
class Task:
    kind: str                      # organisation, area or sector
    key: object                    # organisation id, or area or sector name
    comments: dict = field(default_factory=dict)
    viewer: Viewer = PUBLIC        # whom the file is for: the figures are published for them
    compare_with: int | None = None  # an earlier round than the previous one, when the subject skipped that


def audience(data: RoundData, kind: str, key) -> Viewer:
    """Return whom a report file is for: an organisation's service leads, an area's commissioners, anyone."""
    if kind == "organisation":
        return viewer_for_organisation(int(key))
    if kind == "area":
        organisations = data.bench.organisations
        known = frozenset(int(o) for o in organisations.loc[organisations["area"] == key, "organisation_id"])
        return Viewer(f"a commissioner for {key}", known=known, own=known)
    return PUBLIC  # a sector report may go to anyone in the sector, across areas


@dataclass(frozen=True)
class Bundle:
    """What every worker needs: the round's data, the definitions, the date and where to write."""

    data: RoundData
    definitions: dict
    date: dt.date
    output_dir: str
    earlier: dict = field(default_factory=dict)  # round id -> (round, raw benchmark) for Task.compare_with


def with_comparisons(db, data: RoundData, tasks: list[Task]) -> tuple[list[Task], dict]:
    """Return the tasks marked with the round each compares with, when that is not the previous round,
    and those rounds' data: the same choice as the web pages (RoundData.compared_with_latest_results)."""
    marked, earlier = [], {}
    for task in tasks:
        ids = [int(task.key)] if task.kind == "organisation" else group_members(db, task.kind, task.key)
        view = data.compared_with_latest_results(db, ids)
        if view.previous_round is None or view.previous_round == data.previous_round:
            marked.append(task)
            continue
        round_id = view.previous_round["id"]
        earlier.setdefault(round_id, (view.previous_round, view.previous))
        marked.append(dataclasses.replace(task, compare_with=round_id))
    return marked, earlier


def plan_all(data: RoundData, comments: dict[int, dict]) -> tuple[list[Task], list[str]]:
    """Return a task for every organisation with submissions, area and sector; and what was skipped."""
    bench = data.bench
    tasks = [Task("organisation", int(org_id), comments.get(int(org_id), {}), viewer_for_organisation(int(org_id)))
             for org_id in bench.organisations["organisation_id"]]
    skipped = []
    for kind in ("area", "sector"):
        for name in sorted(bench.organisations[kind].astype(str).unique()):
            reason = skip_reason(data, kind, name)
            if reason:
                skipped.append(f"{kind} {name}: {reason}, so no report")
            else:
                tasks.append(Task(kind, name, viewer=audience(data, kind, name)))
    return tasks, skipped


# the rule that hid a group's overall figures, in the words its reports use (docs/disclosure.md)
HIDDEN_BECAUSE = {
    "too-few": "too few organisations",
    "complement": "hidden so that another hidden figure cannot be worked out",
    "alike": "the other organisations answered alike",
}


def skip_reason(data: RoundData, kind: str, name: str) -> str:
    """Return why an area or sector gets no report (nothing to show its readers), or "" when it gets one."""
    if not bool((data.bench.organisations[kind].astype(str) == name).any()):
        return f"no organisation in it has submitted responses in round {data.round['id']}"
    viewer = audience(data, kind, name)
    reason = group_hidden_reason(data.for_viewer(viewer).bench, kind, name)
    if reason:
        return f"its figures are hidden for {viewer.label} ({HIDDEN_BECAUSE.get(reason, reason)})"
    return ""


def write_report(bundle: Bundle, task: Task) -> str:
    """Build and render one report and write it into the output folder; return its path."""
    filename, pdf = render_task(bundle, task)
    path = Path(bundle.output_dir) / f"{filename}.pdf"
    path.write_bytes(pdf)
    return str(path)


def render_task(bundle: Bundle, task: Task) -> tuple[str, bytes]:
    """Build and render one report; return its file name stem and PDF bytes."""
    data = bundle.data
    if task.compare_with is not None:  # published for the reader below, like the previous round
        data = copy.copy(data)
        data.previous_round, data.previous = bundle.earlier[task.compare_with]
    data = data.for_viewer(task.viewer)
    if task.kind == "organisation":
        inputs = data.inputs(bundle.definitions["organisation"], organisation_id=task.key,
                             comments=task.comments, date=bundle.date)
    else:
        inputs = data.inputs(bundle.definitions[task.kind], group=task.key, date=bundle.date)
    report = build_report(inputs)
    return report.filename, render_pdf(report)


def _start_worker(bundle: Bundle) -> None:
    """Keep the bundle in the worker process for every task it runs."""
    _WORKER["bundle"] = bundle


def _start_spawned_worker(packed: Bundle) -> None:
    """Unpack a pickled bundle in a spawned worker and keep it for every task."""
    _WORKER["bundle"] = _unpack(packed)


def _pack(bundle: Bundle) -> Bundle:
    """Return a picklable copy of a bundle: a benchmark's read-only mapping becomes a plain dict."""
    data = copy.copy(bundle.data)
    data.bench, data.previous = _plain_bench(data.bench), _plain_bench(data.previous)
    earlier = {k: (r, _plain_bench(b)) for k, (r, b) in bundle.earlier.items()}
    return dataclasses.replace(bundle, data=data, earlier=earlier)


def _unpack(packed: Bundle) -> Bundle:
    """Rebuild the benchmarks of a bundle made by _pack."""
    data = copy.copy(packed.data)
    for name in ("bench", "previous"):
        setattr(data, name, _bench_from(getattr(data, name)))
    earlier = {k: (r, _bench_from(b)) for k, (r, b) in packed.earlier.items()}
    return dataclasses.replace(packed, data=data, earlier=earlier)


def _bench_from(fields: dict | None) -> RoundBenchmark | None:
    """Rebuild a benchmark from the fields _plain_bench gave, or None."""
    if fields is None:
        return None
    return RoundBenchmark(**{**fields, **{k: MappingProxyType(fields[k]) for k in MAPPINGS}})


def _plain_bench(bench: RoundBenchmark | None) -> dict | None:
    """Return a benchmark's fields with its groups as a plain dict, or None."""
    if bench is None:
        return None
    fields = {f.name: getattr(bench, f.name) for f in dataclasses.fields(bench)}
    return {**fields, **{k: dict(fields[k]) for k in MAPPINGS}}


def _run(task: Task) -> str:
    """Run one task with the worker's bundle."""
    return write_report(_WORKER["bundle"], task)


def default_jobs() -> int:
    """Use every core this process may run on (its CPU affinity where the system has one)."""
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # macOS and Windows have no affinity call
        return max(1, os.cpu_count() or 1)


def start_method() -> str:
    """Fork where that is safe (one thread, as in the command line), else spawn.

    fork hands the benchmark to the workers without pickling and without
    importing anything again; forking a process that runs other threads can
    deadlock, so such a process spawns fresh workers instead.
    """
    if "fork" in multiprocessing.get_all_start_methods() and threading.active_count() == 1:
        return "fork"
    return "spawn"


def write_all(bundle: Bundle, tasks: list[Task], jobs: int, done: Callable[[str], None]) -> list[str]:
    """Write every task's report, calling done(path) as each finishes; return the paths in task order."""
    if jobs <= 1 or len(tasks) <= 1:
        paths = []
        for task in tasks:
            paths.append(write_report(bundle, task))
            done(paths[-1])
        return paths
    method = start_method()
    start, payload = (_start_worker, bundle) if method == "fork" else (_start_spawned_worker, _pack(bundle))
    paths: dict[int, str] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=multiprocessing.get_context(method),
                             initializer=start, initargs=(payload,)) as pool:
        futures = {pool.submit(_run, task): n for n, task in enumerate(tasks)}
        for future in as_completed(futures):
            paths[futures[future]] = future.result()
            done(paths[futures[future]])
    return [paths[n] for n in range(len(tasks))]
