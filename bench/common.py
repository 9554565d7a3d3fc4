"""What every benchmark shares: result rows, timing, database copies, the results table."""
from __future__ import annotations

import json
import os
import re
import sqlite3
import statistics
import time
from dataclasses import asdict, dataclass, field
from pathlib import Path

PROJECT = Path(__file__).resolve().parent.parent
PASSWORD = "bench passphrase for synthetic clients"
SECRET_KEY = "bench-" + "k" * 40



def app_config(path: Path, built) -> dict:
    """The app's settings for a benchmark run in process on a synthetic database (`built`: synthetic.Built)."""
    return {"DATABASE": str(path), "SECRET_KEY": SECRET_KEY, "FRAMEWORKS_DIR": str(built.frameworks_dir)}


@dataclass
class Row:
    """One line of the results table: the app against its bare baseline."""

    bench: str
    measure: str
    app: float
    bare: float | None
    unit: str
    higher_is_better: bool = True
    target: str = ""
    passed: bool | None = None
    note: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def ratio(self) -> float | None:
        """Return app / bare: for rates above 1 is better, for times and memory below 1 is."""
        if not self.bare:
            return None
        return self.app / self.bare


def compare_rates(app_fn, bare_fn, seconds: float = 4.0, batches: int = 6) -> dict:
    """Time two callables in alternating batches; return the best rate and time per call of each.

    Other work on this shared 2-core machine slows whichever batch it lands on;
    alternating spreads it over both sides, and each side's best batch is the
    one least disturbed. CPU time per call (this process only) is reported too,
    as it hardly moves with other load.
    """
    result = {}
    for name, fn in (("app", app_fn), ("bare", bare_fn)):
        fn()  # warm: template compilation, caches, first connection
        result[name] = {"wall": [], "cpu": []}
    for _ in range(batches // 2):
        for name, fn in (("app", app_fn), ("bare", bare_fn)):
            calls, start, cpu = 0, time.perf_counter(), time.process_time()
            while True:
                fn()
                calls += 1
                elapsed = time.perf_counter() - start
                if elapsed >= seconds / batches and calls >= 3:
                    break
            result[name]["wall"].append(elapsed / calls)
            result[name]["cpu"].append((time.process_time() - cpu) / calls)
    return {name: {"rate": 1 / min(v["wall"]), "wall": min(v["wall"]), "cpu": min(v["cpu"]),
                   "median_wall": statistics.median(v["wall"])}
            for name, v in result.items()}


def alternate(fns: dict, repeat: int = 3) -> dict:
    """Run each callable `repeat` times, taking turns; return each one's fastest wall and CPU seconds.

    CPU time (this process only) is what the work costs; wall time also holds
    whatever else the shared machine was doing, so the tables use CPU time.
    """
    best = {name: {"wall": float("inf"), "cpu": float("inf")} for name in fns}
    for _ in range(repeat):
        for name, fn in fns.items():
            wall, cpu = time.perf_counter(), time.process_time()
            fn()
            best[name]["wall"] = min(best[name]["wall"], time.perf_counter() - wall)
            best[name]["cpu"] = min(best[name]["cpu"], time.process_time() - cpu)
    return best


def machine_cpu_seconds() -> float:
    """Return the CPU seconds every process on the machine has used since boot, and the host's steal (/proc/stat)."""
    fields = Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]
    user, nice, system, _idle, _iowait, irq, softirq, steal = (int(f) for f in fields[:8])
    return (user + nice + system + irq + softirq + steal) / os.sysconf("SC_CLK_TCK")


def process_tree_cpu_seconds(root: int) -> float:
    """Return the CPU seconds a process and its living descendants have used (from /proc)."""
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue  # it ended while we looked
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]))  # ppid, utime + stime
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        total += stats.get(pid, (0, 0))[1]
        todo += [child for child, (parent, _) in stats.items() if parent == pid]
    return total / os.sysconf("SC_CLK_TCK")


def copy_database(source: Path, target: Path) -> Path:
    """Copy a SQLite database with the backup API (safe with WAL files)."""
    for stale in target.parent.glob(target.name + "*"):
        stale.unlink()
    src, dst = sqlite3.connect(source), sqlite3.connect(target)
    with dst:
        src.backup(dst)
    src.close()
    dst.close()
    return target


def normalise_html(html: str) -> str:
    """Collapse layout whitespace and blank out CSRF tokens, so two renderings compare by content."""
    html = re.sub(r'(name="csrf_token"[^>]*value=")[^"]*"', r'\1"', html)
    html = re.sub(r"\s+", " ", html)
    return re.sub(r">\s+<", "><", html).strip()


def first_difference(a: str, b: str, context: int = 80) -> str:
    """Describe where two strings first differ."""
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"at {i}: app …{a[max(0, i - context):i + context]!r}… bare …{b[max(0, i - context):i + context]!r}…"
    return f"lengths {len(a)} and {len(b)}"


def format_table(rows: list[Row]) -> str:
    """Return the results as a Markdown table."""
    lines = [
        "| benchmark | measure | app | bare | unit | app/bare | target | met |",
        "|---|---|---:|---:|---|---:|---|---|",
    ]
    for r in rows:
        ratio = r.ratio
        lines.append(
            f"| {r.bench} | {r.measure} | {_num(r.app)} | {_num(r.bare)} | {r.unit} | "
            f"{'' if ratio is None else f'{ratio:.2f}'} | {r.target} | "
            f"{'' if r.passed is None else ('yes' if r.passed else '**no**')} |")
    notes = [f"- {r.bench} / {r.measure}: {r.note}" for r in rows if r.note]
    return "\n".join(lines + ([""] + notes if notes else []))


def _num(value) -> str:
    """Format a number for the table with sensible precision."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if abs(value) >= 100:
        return f"{value:,.0f}"
    if abs(value) >= 10:
        return f"{value:.1f}"
    return f"{value:.3g}"


def save_rows(rows: list[Row], path: Path) -> None:
    """Write the rows as JSON next to the printed table."""
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps([asdict(r) | {"ratio": r.ratio} for r in rows], indent=2))


def run_alone(size_name: str, measure) -> None:
    """Build a fresh synthetic database ("tayside" or "national") in a temporary folder, run one
    benchmark on it with measure(built, directory) and print its table: each benchmark's `main`."""
    import tempfile

    from . import synthetic

    directory = Path(tempfile.mkdtemp(prefix="surveyapp-bench-"))
    built = synthetic.build(directory, {"tayside": synthetic.TAYSIDE, "national": synthetic.NATIONAL}[size_name])
    print(format_table(measure(built, directory)))
