"""The facilitator dashboard for a round, as finished tables: progress, heatmaps, indicators, drill-down.

No Flask here: the view passes in the filters and a `may_see_area(area)`
test from the permission rules (None asks about groups spanning areas), and
gets back tables whose numbers are already suppressed and formatted.
"""
from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import pandas as pd

from surveyapp.benchmarks.aggregation import RoundBenchmark
from surveyapp.benchmarks.disclosure import Viewer
from surveyapp.benchmarks.level_counts import level_counts
from surveyapp.benchmarks.records import benchmark_records
from surveyapp.benchmarks.response_progress import MEASURES, PROGRESS_SQL, progress_counts
from surveyapp.frameworks.model import Framework
from surveyapp.reports.blocks import (
    MISSING,
    Cell,
    Chart,
    Series,
    Table,
    fmt_count,
    fmt_number,
    make_table,
    score_cell,
    suppressible,
    text_cell,
)

STATUS_WORDS = {"submitted": "Submitted", "started": "In progress", "invited": "Not started"}


@dataclass(frozen=True)
class Filters:
    area: str | None = None
    sector: str | None = None

    @property
    def grouping(self) -> tuple[str, object]:
        """Return the (by, key) of the group the filters pick out; Tayside when there are none."""
        if self.area and self.sector:
            return "area-sector", (self.area, self.sector)
        if self.area:
            return "area", self.area
        if self.sector:
            return "sector", self.sector
        return "tayside", None

    @property
    def label(self) -> str:
        """Name the group the filters pick out."""
        if self.area and self.sector:
            return f"{self.sector} in {self.area}"
        return self.area or self.sector or "Tayside"


@dataclass(frozen=True)
class Dashboard:
    progress_by_area: Table
    progress_by_sector: Table
    heatmap_by_area: Table
    heatmap_by_sector: Table
    indicators: tuple[tuple[str, Table], ...]   # (domain title, table) per domain
    organisations: tuple[dict, ...]              # id, name, area, sector, status, n_respondents


def build_dashboard(db, round_id: int, framework: Framework, bench: RoundBenchmark, filters: Filters,
                    may_see_area: Callable[[str | None], bool],
                    may_see_organisation: Callable[[dict], bool]) -> Dashboard:
    """Build every table of the dashboard for one round and one set of filters."""
    statuses = round_statuses(db, round_id)
    progress_area, progress_sector = progress_tables(statuses, filters, bench.min_group, may_see_area)
    heat_area, heat_sector = heatmaps(bench, framework, filters, may_see_area)
    return Dashboard(
        progress_by_area=progress_area, progress_by_sector=progress_sector,
        heatmap_by_area=heat_area, heatmap_by_sector=heat_sector,
        indicators=indicator_tables(bench, framework, filters),
        organisations=organisation_rows(db, statuses, bench, filters, may_see_organisation),
    )


def round_statuses(db, round_id: int) -> pd.DataFrame:
    """Return one row per organisation in the round: area, sector, started, submitted."""
    cursor = db.execute(PROGRESS_SQL, {"round_id": round_id})
    return pd.DataFrame.from_records(cursor.fetchall(), columns=[d[0] for d in cursor.description])


def _filtered(statuses: pd.DataFrame, filters: Filters) -> pd.DataFrame:
    """Keep the organisations in the filtered area and sector."""
    keep = pd.Series(True, index=statuses.index)
    if filters.area:
        keep &= statuses["area"] == filters.area
    if filters.sector:
        keep &= statuses["sector"] == filters.sector
    return statuses[keep]


def progress_tables(statuses, filters: Filters, min_group: int, may_see_area) -> tuple[Table, Table]:
    """Count organisations invited, started and submitted by area and by sector, small counts hidden."""
    chosen = _filtered(statuses, filters)
    progress = progress_counts(chosen, min_group) if not chosen.empty else None
    tables = []
    for by, frame in (("area", progress.by_area if progress else None),
                      ("sector", progress.by_sector if progress else None)):
        rows = []
        for record in ([] if frame is None else frame.to_dict("records")):
            if not may_see_area(record[by] if by == "area" else None):
                continue
            rows.append((text_cell(str(record[by])),
                         *(suppressible(fmt_count(record[m]), bool(record[f"{m}_suppressed"])) for m in MEASURES)))
        if progress:
            total = progress.total
            rows.append((text_cell(f"Total: {filters.label}"),
                         *(suppressible(fmt_count(total[m]), total[f"{m}_suppressed"]) for m in MEASURES)))
        tables.append(make_table(
            f"progress-{by}", f"Response progress by {by}: {filters.label}",
            (by.capitalize(), "Invited", "Started", "Submitted"), rows, (False, True, True, True), min_group,
            widths=(3, 1, 1, 1)))
    return tables[0], tables[1]


def heatmaps(bench: RoundBenchmark, framework: Framework, filters: Filters, may_see_area) -> tuple[Table, Table]:
    """Tabulate domain and overall averages, one column per area (or sector), shaded by score."""
    low, high = _range(framework)
    titles = [(d.id, d.title) for d in framework.domains if d.scored_indicators] + [(None, "Overall")]
    tayside = {r.get("domain"): r for level in ("domain", "overall")
               for r in benchmark_records(bench, "tayside", level)}
    out = []
    for columns_by, fixed in (("area", "sector"), ("sector", "area")):
        pinned = getattr(filters, fixed)
        by = "area-sector" if pinned else columns_by
        records = _index(benchmark_records(bench, by, "domain"), by)
        overall = _index(benchmark_records(bench, by, "overall"), by)
        groups = []
        for key in overall:
            area, sector = _area_sector(by, key)
            name = sector if columns_by == "sector" else area
            if pinned and (sector if fixed == "sector" else area) != pinned:
                continue
            if getattr(filters, columns_by) and name != getattr(filters, columns_by):
                continue
            if may_see_area(area):
                groups.append((name, key))
        sizes = [overall[key] for _, key in groups] + [tayside.get(None, {})]
        rows = [(text_cell("Organisations"), *(suppressible(fmt_count(r.get("n_organisations")),
                                                            bool(r.get("suppressed"))) for r in sizes))]
        for domain_id, title in titles:
            cells = []
            for _, key in groups:
                record = overall[key] if domain_id is None else records.get((key, domain_id), {})
                cells.append(score_cell(record.get("mean"), bool(record.get("suppressed")), low, high))
            record = tayside.get(domain_id, {})
            cells.append(score_cell(record.get("mean"), bool(record.get("suppressed")), low, high))
            rows.append((text_cell(title), *cells))
        label = f" in {pinned}" if pinned else ""
        out.append(make_table(
            f"heatmap-{columns_by}", f"Average domain scores by {columns_by}{label}",
            ("Domain", *(name for name, _ in groups), "Tayside"), rows,
            (False,) + (True,) * (len(groups) + 1), bench.min_group))
    return out[0], out[1]


def _index(records: list[dict], by: str) -> dict:
    """Index records by group key (and item, where records carry one)."""
    out = {}
    for record in records:
        key = (record["area"], record["sector"]) if by == "area-sector" else record.get(by)
        item = record.get("indicator") or record.get("domain")
        out[(key, item) if item else key] = record
    return out


def _area_sector(by: str, key) -> tuple[str | None, str | None]:
    """Split a group key into its area and sector (None where the grouping has none)."""
    if by == "area-sector":
        return key
    return (key, None) if by == "area" else (None, key)


def _range(framework: Framework) -> tuple[float, float]:
    """Return the lowest and highest level value of the scored indicators' scales."""
    values = [v for d in framework.domains for i in d.scored_indicators for v in i.scale.values]
    return min(values), max(values)


def indicator_tables(bench: RoundBenchmark, framework: Framework, filters: Filters) -> tuple:
    """Tabulate each indicator's average for the filtered group, one table per domain."""
    by, key = filters.grouping
    records = _index(benchmark_records(bench, by, "indicator"), by)
    low, high = _range(framework)
    out = []
    for domain in framework.domains:
        rows = []
        for indicator in domain.scored_indicators:
            record = records.get((key, indicator.id), {})
            hidden = bool(record.get("suppressed"))
            rows.append((text_cell(indicator.text), score_cell(record.get("mean"), hidden, low, high),
                         suppressible(fmt_count(record.get("n_organisations")), hidden),
                         Cell(indicator.id)))
        if rows:
            out.append((domain.title, make_table(
                f"indicators-{domain.id}", f"{domain.title}: {filters.label}",
                ("Indicator", "Average", "Organisations", "Distribution"), rows,
                (False, True, True, False), bench.min_group)))
    return tuple(out)


def organisation_rows(db, statuses, bench: RoundBenchmark, filters: Filters, may_see_organisation) -> tuple:
    """List the filtered organisations the user may see, with their status in the round."""
    chosen = _filtered(statuses, filters)
    if chosen.empty:
        return ()
    names = {r[0]: r[1] for r in db.execute("SELECT id, name FROM organisations")}
    respondents = dict(zip(bench.organisations["organisation_id"], bench.organisations["n_respondents"]))
    rows = []
    for record in chosen.to_dict("records"):
        org = {"id": int(record["organisation_id"]), "name": names[record["organisation_id"]],
               "area": record["area"], "sector": record["sector"]}
        if not may_see_organisation(org):
            continue
        status = "submitted" if record["submitted"] else "started" if record["started"] else "invited"
        rows.append(org | {"status": STATUS_WORDS[status], "submitted": status == "submitted",
                           "n_respondents": int(respondents.get(org["id"], 0))})
    return tuple(sorted(rows, key=lambda r: r["name"]))


def indicator_distribution(db, round_id: int, framework: Framework, bench: RoundBenchmark, indicator_id: str,
                           filters: Filters, viewer: Viewer) -> tuple[Chart | None, Table, str]:
    """Count the filtered group's answers at each level of one indicator, as the viewer may see them.

    Returns (chart or None when hidden, table, why hidden or "").
    """
    indicator = framework.indicator(indicator_id)
    by, key = filters.grouping
    record = _index(benchmark_records(bench, by, "indicator"), by).get((key, indicator_id))
    found, hidden = level_counts(db, round_id, indicator_id, filters.area, filters.sector, viewer, record,
                                 named=bool(bench.rules and bench.rules.named))
    counts = found or {}
    rows, labels, values = [], [], []
    for level in indicator.scale.levels:
        label = f"{fmt_number(level.value)} {level.label}"
        n = counts.get(float(level.value), 0)
        rows.append((text_cell(label), suppressible(str(n), hidden)))
        labels.append(label)
        values.append(float(n))
    for option in indicator.scale.options:
        rows.append((text_cell(f"{option.label} (not scored)"), suppressible(str(counts.get(option.key, 0)), hidden)))
    blank = record.get("n_blank") if record else None
    rows.append((text_cell("No answer"), suppressible(MISSING if blank is None else str(blank), hidden)))
    table = make_table("distribution-data", f"Answers to this indicator: {filters.label}", ("Answer", "Answers"),
                       rows, (False, True), bench.min_group, widths=(3, 1))
    if hidden:
        return None, table, hidden
    chart = Chart(id="distribution", chart="bars", title="Answers at each level",
                  description=f"Bar chart: how many respondents in {filters.label} chose each level.",
                  categories=tuple(labels), series=(Series("Answers", tuple(values)),), low=0.0,
                  high=max(values + [1.0]), value_label="Answers", table=table)
    return chart, table, ""
