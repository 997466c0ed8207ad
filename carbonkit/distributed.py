"""Account an enterprise-hashed Parquet dataset partition by partition: on this machine in bounded
memory (``engine="local"``) or on a Dask cluster (``engine="dask"``, extra ``carbonkit[dask]``).

:func:`carbonkit.account` is a pure function of enterprise groups, so each file of a dataset whose
enterprises are hashed into files (:func:`carbonkit.parquet.write_dataset`) is accounted on its own,
with ``errors="collect"``. The driver then

1. gathers the problems of every partition (global ``row`` and ``source`` file), sorts them by row,
   applies one cap (:data:`MAX_PROBLEMS`) and, if there are any, writes ``problems.parquet`` and
   refuses the whole run (:class:`~carbonkit.errors.InvalidInput`): no results are left behind;
2. checks that no enterprise-period is in two partitions (its sums would count twice) and that every
   partition used one release;
3. moves the results into ``OUT/results/part-*.parquet`` (schema :func:`carbonkit.summary_schema`) and
   writes ``OUT/factors.parquet`` (the factors used, one row each) and ``OUT/manifest.json``.

Roll-ups, progress and LMDI then run on the results folder from partial sums (:func:`folder_sums`),
file by file, again in bounded memory.
"""

from __future__ import annotations

import json
import os
import resource
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol, TypedDict

import numpy as np
import numpy.typing as npt
import pandas as pd

from carbonkit.errors import InvalidInput, Problem
from carbonkit.parquet import PathLike, Paths, dataset_files, read_parquet, row_offsets, write_summary

if TYPE_CHECKING:
    from carbonkit.sums import PartialSums

MAX_PROBLEMS = 10_000  # problems kept and reported for a refused run (the rest are counted)
# Dask settings that cost CPU for nothing here: the statistical profiler samples every worker's stack
DASK_SETTINGS = {"distributed.worker.profile.enabled": False}


@dataclass(frozen=True)
class Partition:
    """One file of the dataset and where its rows start in the dataset's global numbering."""

    index: int
    path: str
    first_row: int
    source: str


@dataclass
class Run:
    """What an accounting run of a dataset did (also ``OUT/manifest.json``)."""

    out: str
    release: str
    engine: str
    partitions: int
    activity_rows: int
    enterprise_periods: int
    wall_s: float
    cpu_s: float  # summed over the processes that accounted partitions
    peak_rss_bytes: dict[str, int] = field(default_factory=dict)  # per worker process (pid): its peak
    options: dict[str, Any] = field(default_factory=dict)


class PartitionInfo(TypedDict):
    """What :func:`account_partition` hands back to the driver."""

    index: int
    rows: int
    groups: int
    problems: pd.DataFrame
    factors: list[dict[str, Any]]
    release: str
    keys: npt.NDArray[np.uint64]
    pid: int
    peak_rss: int
    cpu_s: float


class Engine(Protocol):
    def __call__(self, parts: list[Partition], kwargs: dict[str, Any], **options: Any) -> list[PartitionInfo]: ...


def plan(paths: Paths) -> list[Partition]:
    """The partitions of a dataset, rows numbered across its files in file order.

    Parameters
    ----------
    paths : str, Path or iterable of them
        Parquet files, or folders searched for ``*.parquet`` (each folder's files sorted by name).

    Returns
    -------
    list of Partition
        One per file: its index, path, the global number of its first row [1] and its source name (the
        file's name, or its path where two files share a name).
    """
    files = dataset_files(paths)
    if not files:
        raise InvalidInput(Problem("dataset_empty", "no Parquet files in the paths given", field="paths"))
    offsets = row_offsets(files)
    names = [f.name for f in files]
    sources = [str(f) if names.count(f.name) > 1 else f.name for f in files]
    return [Partition(i, str(f), int(o) + 1, s) for i, (f, o, s) in enumerate(zip(files, offsets, sources))]


def account_partition(part: Partition, staging: str, release: str | None = None, factors: tuple[str, ...] = (),
                      options: dict[str, Any] | None = None) -> PartitionInfo:
    """Account one partition; write its summary to ``staging`` when it has no problems.

    Parameters
    ----------
    part : Partition
        The file and where its rows start in the dataset's numbering.
    staging : str
        Folder for the partition's results file ``part-NNNNN.parquet``.
    release : str, optional
        Factor release id (default: the current one); every partition of a run must use one.
    factors : tuple of str
        Paths of the user's own factor tables added to the release.
    options : dict, optional
        :class:`carbonkit.AccountingOptions` fields.

    Returns
    -------
    PartitionInfo
        What the driver needs: problems (global ``row`` and ``source``), factors used, release, the hashed
        (enterprise, period) keys, activity rows and enterprise-periods [1], process id, peak memory [B] and
        CPU time [s].
    """
    from carbonkit.accounting import account
    from carbonkit.factors import load_release

    cpu0 = time.process_time()
    frame = read_parquet(part.path, first_row=part.first_row, source=part.source)
    result = account(frame, load_release(release, extra=list(factors)), options, errors="collect")
    summary = result.summary
    problems = result.problems if result.problems is not None else pd.DataFrame()  # errors="collect" always sets it
    if problems.empty:
        write_summary(summary, Path(staging) / f"part-{part.index:05d}.parquet")
    return {"index": part.index, "rows": len(frame), "groups": len(summary), "problems": problems,
            "factors": result.factor_records(), "release": result.release, "keys": period_keys(summary),
            "pid": os.getpid(), "peak_rss": peak_rss(),
            "cpu_s": time.process_time() - cpu0}


def peak_rss() -> int:
    """The peak resident memory of this process.

    VmHWM of /proc; getrusage's ru_maxrss on Linux keeps the peak of the process image before ``exec``, i.e.
    of the parent that started it, so it is only the fallback.

    Returns
    -------
    int
        Peak resident set size [B].
    """
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) * 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


def period_keys(summary: pd.DataFrame) -> npt.NDArray[np.uint64]:
    """A 64-bit hash of each (enterprise, period) of a summary.

    Parameters
    ----------
    summary : pandas.DataFrame
        Accounting results with ``enterprise`` and ``period``.

    Returns
    -------
    numpy.ndarray of uint64
        One hash per row (pandas' ``hash_array`` of ``enterprise \\x00 period``).
    """
    text = (summary["enterprise"].astype(str) + "\x00" + summary["period"].astype(str)).to_numpy(dtype=object)
    return pd.util.hash_array(text)


def _run_local(parts: list[Partition], kwargs: dict[str, Any], **_: Any) -> list[PartitionInfo]:
    return [account_partition(p, **kwargs) for p in parts]


def _run_dask(parts: list[Partition], kwargs: dict[str, Any], client: Any = None, scheduler: str | None = None,
              workers: int = 2, memory_limit: str | None = "2GiB", **_: Any) -> list[PartitionInfo]:
    """The partitions as Dask tasks on ``client``, a scheduler at ``scheduler``, or a LocalCluster of
    ``workers`` processes of one thread each on 127.0.0.1 without a dashboard."""
    import dask
    from dask.distributed import Client, LocalCluster, as_completed

    with dask.config.set(DASK_SETTINGS):
        cluster = own = None
        if client is None:
            if scheduler:
                client = own = Client(scheduler)  # type: ignore[no-untyped-call]
            else:
                cluster = LocalCluster(n_workers=workers, threads_per_worker=1, processes=True,  # type: ignore[no-untyped-call]
                                       host="127.0.0.1", dashboard_address=None, memory_limit=memory_limit)
                client = own = Client(cluster)  # type: ignore[no-untyped-call]
        try:
            futures = client.map(account_partition, parts, **kwargs, pure=False)
            return [f.result() for f in as_completed(futures)]  # type: ignore[no-untyped-call]
        finally:
            if own is not None:
                own.close()  # type: ignore[no-untyped-call]
            if cluster is not None:
                cluster.close()


ENGINES: dict[str, Engine] = {"local": _run_local, "dask": _run_dask}


def account_dataset(paths: Paths, out: PathLike, *, engine: str = "local", client: Any = None,
                    release: str | None = None, factors: Sequence[PathLike] | None = None,
                    options: dict[str, Any] | None = None, max_problems: int = MAX_PROBLEMS,
                    **engine_options: Any) -> Run:
    """Account every partition of a dataset into the folder ``out`` (module docstring).

    Parameters
    ----------
    paths : str, Path or iterable of them
        The enterprise-hashed Parquet dataset (files or folders).
    out : str or Path
        Results folder: ``results/part-*.parquet``, ``factors.parquet``, ``manifest.json`` (and
        ``problems.parquet`` for a refused run).
    engine : {"local", "dask"}
        ``"local"``: one partition after another in this process; ``"dask"``: ``client``, or
        ``scheduler=ADDRESS``, or a LocalCluster of ``workers`` processes with ``memory_limit``.
    client : dask.distributed.Client, optional
        A client of the user's cluster (engine ``"dask"``).
    release : str, optional
        Factor release id (default: the current one).
    factors : list of str or Path, optional
        The user's own factor tables.
    options : dict, optional
        :class:`carbonkit.AccountingOptions` fields.
    max_problems : int
        Problems kept and listed for a refused run [1]; the rest are counted.
    **engine_options
        ``scheduler``, ``workers``, ``memory_limit`` of the Dask engine.

    Returns
    -------
    Run
        Rows [1], enterprise-periods [1], wall and CPU time [s] and peak memory per process [B].

    Raises
    ------
    InvalidInput
        Bad data, naming each problem's global row and file; an enterprise-period in two partitions; mixed
        releases. Nothing is left in ``out/results``.
    """
    if engine not in ENGINES:
        raise InvalidInput(Problem("engine_unknown", f"'{engine}' is not an engine", field="engine",
                                   expected=", ".join(ENGINES)))
    start, cpu0 = time.perf_counter(), time.process_time()
    parts = plan(paths)
    folder = Path(out)
    staging = folder / ".staging"
    shutil.rmtree(staging, ignore_errors=True)
    staging.mkdir(parents=True)
    kwargs = {"staging": str(staging), "release": release, "factors": tuple(str(f) for f in factors or ()),
              "options": options}
    try:
        infos = sorted(ENGINES[engine](parts, kwargs, client=client, **engine_options), key=lambda i: i["index"])
        _refuse_problems(infos, folder, max_problems)
        _guard(infos, parts, staging)
    except BaseException:
        shutil.rmtree(staging, ignore_errors=True)
        raise
    return _publish(infos, parts, folder, staging, engine, options or {}, start, cpu0)


def _refuse_problems(infos: list[PartitionInfo], out: Path, cap: int) -> None:
    frames = [i["problems"] for i in infos if len(i["problems"])]
    (out / "problems.parquet").unlink(missing_ok=True)
    if not frames:
        return
    problems = pd.concat(frames, ignore_index=True).sort_values("row", kind="stable", na_position="first")
    total = len(problems)
    problems = problems.head(cap).reset_index(drop=True)
    problems.to_parquet(out / "problems.parquet", index=False)
    listed = []
    for rec in problems.to_dict("records"):
        fields: dict[str, Any] = {str(k): _plain(v) for k, v in rec.items() if k != "source"}
        if _plain(rec.get("source")) is not None:
            fields["message"] = f"{rec['source']}: {fields['message']}"
        listed.append(Problem(**fields))
    more = f" ({total - cap} more not listed)" if total > cap else ""
    raise InvalidInput(listed, f"{total} problem(s) in the dataset{more}; nothing was stored; all listed in "
                               f"{out / 'problems.parquet'}\n" + "\n".join("  - " + p.describe() for p in listed[:50]))


def _plain(v: Any) -> Any:
    if v is None or v is pd.NA or (isinstance(v, float) and v != v):
        return None
    return v.item() if isinstance(v, np.generic) else v


def _guard(infos: list[PartitionInfo], parts: list[Partition], staging: Path) -> None:
    """One release per run; no enterprise-period in two partitions."""
    releases = sorted({i["release"] for i in infos})
    if len(releases) > 1:
        raise InvalidInput(Problem("release_mixed", f"partitions were accounted with releases {', '.join(releases)}",
                                   field="release", expected="one release for the whole run"))
    keys = np.concatenate([i["keys"] for i in infos]) if infos else np.zeros(0, np.uint64)
    owner = np.concatenate([np.full(len(i["keys"]), i["index"]) for i in infos]) if infos else np.zeros(0, int)
    order = np.argsort(keys, kind="stable")
    same = np.flatnonzero(keys[order][1:] == keys[order][:-1])
    if len(same):
        a, b = owner[order][same[0]], owner[order][same[0] + 1]
        key = keys[order][same[0]]
        summary = pd.read_parquet(staging / f"part-{a:05d}.parquet", columns=["enterprise", "period"])
        hit = summary[period_keys(summary) == key].iloc[0]
        raise InvalidInput(Problem(
            "enterprise_period_split", f"enterprise {hit['enterprise']}, period {hit['period']} is in two partitions "
            f"({parts[a].source} and {parts[b].source}): its sums would count twice", enterprise=str(hit["enterprise"]),
            period=str(hit["period"]), expected="a dataset hashed by enterprise (carbonkit export parquet)"))


def _publish(infos: list[PartitionInfo], parts: list[Partition], out: Path, staging: Path, engine: str,
             options: dict[str, Any], start: float, cpu0: float) -> Run:
    results = out / "results"
    shutil.rmtree(results, ignore_errors=True)
    staging.rename(results)
    factors = {r["id"]: r for i in infos for r in i["factors"]}
    pd.DataFrame([factors[k] for k in sorted(factors)]).astype(str).to_parquet(out / "factors.parquet", index=False)
    peak: dict[str, int] = {}
    for i in infos:
        peak[str(i["pid"])] = max(peak.get(str(i["pid"]), 0), int(i["peak_rss"]))
    cpu = sum(i["cpu_s"] for i in infos) if engine != "local" else time.process_time() - cpu0
    run = Run(str(out), infos[0]["release"] if infos else "", engine, len(parts), sum(i["rows"] for i in infos),
              sum(i["groups"] for i in infos), time.perf_counter() - start, cpu, peak, options)
    (out / "manifest.json").write_text(json.dumps(asdict(run), indent=2, ensure_ascii=False), encoding="utf-8")
    return run


def result_files(folder: PathLike) -> list[Path]:
    """The results files of a run's folder.

    Parameters
    ----------
    folder : str or Path
        A run's folder (``OUT/``, whose ``results/`` is read) or a folder of results files.

    Returns
    -------
    list of Path
        ``part-*.parquet`` in name order.
    """
    inner = Path(folder) / "results"
    return dataset_files(inner if inner.is_dir() else folder)


def folder_sums(folder: PathLike, partial: Callable[..., PartialSums], **kwargs: Any) -> PartialSums:
    """Partial sums of each results file of a folder, combined: one file in memory at a time.

    Parameters
    ----------
    folder : str or Path
        A run's folder or a folder of results files.
    partial : callable
        :func:`carbonkit.sums.partial_sums` or :func:`carbonkit.sums_progress.progress_partial`.
    **kwargs
        Passed to ``partial`` for every file.

    Returns
    -------
    PartialSums
        :func:`carbonkit.sums.combine` of the files' partial sums.
    """
    from carbonkit.sums import combine

    return combine([partial(pd.read_parquet(f), **kwargs) for f in result_files(folder)])


def read_results(folder: PathLike) -> pd.DataFrame:
    """Every result of a run's folder as one summary frame (small runs; large ones: :func:`folder_sums`).

    Parameters
    ----------
    folder : str or Path
        A run's folder or a folder of results files.

    Returns
    -------
    pandas.DataFrame
        The results, schema :func:`carbonkit.summary_schema` (empty without files).
    """
    frames = [pd.read_parquet(f) for f in result_files(folder)]
    return pd.concat(frames, ignore_index=True) if frames else pd.DataFrame()
