"""carbonkit.distributed on an enterprise-hashed Parquet dataset of about 100 k activity rows: the local
engine and a Dask LocalCluster (2 worker processes of 1 thread, 127.0.0.1, no dashboard).

Partitioned results equal the whole-frame ``account()`` row by row and bit for bit (each enterprise's
numbers come from its own rows only); roll-ups, progress and LMDI from the results folder's partial sums
equal the enterprise-level functions; problems planted in two partitions come back with their global
rows and files, and nothing is stored.
"""

from __future__ import annotations

import shutil

import numpy as np
import pandas as pd
import pytest

pytest.importorskip("dask.distributed")
pytest.importorskip("pyarrow")

import carbonkit as ck  # noqa: E402
from carbonkit import sums as S  # noqa: E402
from carbonkit.distributed import DASK_SETTINGS, account_dataset, folder_sums, read_results, result_files  # noqa: E402
from carbonkit.errors import InvalidInput  # noqa: E402
from carbonkit.parquet import read_parquet, write_dataset  # noqa: E402
from carbonkit.schema import summary_schema  # noqa: E402
from carbonkit.sums_progress import progress_partial, progress_sums  # noqa: E402
from carbonkit.synthetic import province  # noqa: E402

OPT = {"year_fallback": "nearest"}  # the synthetic years start before the first grid factor year
PROFILE = "shandong-14fyp-2021-2025"


@pytest.fixture(scope="module")
def activities() -> pd.DataFrame:
    acts = province(1_900, years=range(2020, 2024), seed=11)  # about 100 k rows
    codes = pd.factorize(acts["enterprise"])[0]
    acts["park"] = np.where(codes % 5 == 0, "P1", None)
    return acts


@pytest.fixture(scope="module")
def dataset(activities, tmp_path_factory):
    folder = tmp_path_factory.mktemp("dataset")
    write_dataset(activities, folder, 6)
    return folder


@pytest.fixture(scope="module")
def whole(activities) -> pd.DataFrame:
    return ck.account(activities, options=OPT).summary


@pytest.fixture(scope="module")
def client():
    import dask
    from dask.distributed import Client, LocalCluster

    with dask.config.set(DASK_SETTINGS):
        cluster = LocalCluster(n_workers=2, threads_per_worker=1, processes=True, host="127.0.0.1",
                               dashboard_address=None, memory_limit="1GiB")
        client = Client(cluster)
    yield client
    client.close()
    cluster.close()


def sorted_results(folder) -> pd.DataFrame:
    frame = read_results(folder).sort_values(["enterprise", "period"], kind="stable").reset_index(drop=True)
    return frame.astype({"factor_ids": "str"})


def test_dataset_has_about_100k_rows(activities):
    assert 90_000 < len(activities) < 130_000


@pytest.mark.parametrize("engine", ["local", "dask"])
def test_partitioned_equals_whole_frame_row_by_row(dataset, whole, tmp_path, engine, client):
    run = account_dataset(dataset, tmp_path / "out", engine=engine, client=client if engine == "dask" else None,
                          options=OPT)
    assert (run.partitions, run.enterprise_periods) == (6, len(whole))
    pd.testing.assert_frame_equal(sorted_results(tmp_path / "out"), whole.astype({"factor_ids": "str"}),
                                  check_exact=True)
    factors = pd.read_parquet(tmp_path / "out" / "factors.parquet")
    assert set(factors["id"]) == {i for s in whole["factor_ids"].unique() for i in s.split(";") if i}


def test_the_worker_profiler_is_off(client):
    import dask

    assert set(client.run(lambda: dask.config.get("distributed.worker.profile.enabled")).values()) == {False}


def test_rollups_from_the_results_folder_equal_the_enterprise_level(dataset, whole, tmp_path):
    account_dataset(dataset, tmp_path / "out", options=OPT)
    got = S.aggregate_sums(folder_sums(tmp_path / "out", S.partial_sums, by="city"))
    pd.testing.assert_frame_equal(ck.aggregate(whole, "city").table, got.table, check_dtype=False, rtol=1e-12)
    lmdi = S.decompose_sums(folder_sums(tmp_path / "out", S.partial_sums, by="division", periods=["2020", "2023"],
                                        base_year=2020), 2020, 2023)
    want = ck.decompose(whole, 2020, 2023, "division")
    assert lmdi.additive == pytest.approx(want.additive, rel=1e-9, abs=1e-15)
    progress = progress_sums(folder_sums(tmp_path / "out", progress_partial, profile=PROFILE, year=2023), PROFILE,
                             2023)
    expected = ck.progress(whole, PROFILE, 2023)
    assert progress.coverage == expected.coverage
    assert [i["value"] for i in progress.indicators] == pytest.approx([i["value"] for i in expected.indicators],
                                                                      rel=1e-12)


def _plant(folder, file_index: int, position: int, **values):
    path = sorted(folder.glob("*.parquet"))[file_index]
    frame = pd.read_parquet(path)
    for column, value in values.items():
        frame[column] = frame[column].astype(object)
        frame.loc[position, column] = value
    frame.to_parquet(path, index=False)
    return path.name


def test_problems_in_two_partitions_all_come_back_with_global_rows(dataset, tmp_path, client):
    bad = tmp_path / "bad"
    shutil.copytree(dataset, bad)
    files = sorted(bad.glob("*.parquet"))
    sizes = [len(pd.read_parquet(f)) for f in files]
    a = _plant(bad, 1, 4, amount=-5.0)  # 5th row of the 2nd file
    b = _plant(bad, 4, 0, item="unobtainium")  # 1st row of the 5th file
    with pytest.raises(InvalidInput) as info:
        account_dataset(bad, tmp_path / "out", engine="dask", client=client, options=OPT)
    problems = pd.read_parquet(tmp_path / "out" / "problems.parquet")
    # global row = rows of the files before + the position in the file + 1
    want = [(sizes[0] + 4 + 1, a, "amount_negative"), (sum(sizes[:4]) + 0 + 1, b, "item_unknown")]
    assert list(zip(problems["row"], problems["source"], problems["code"])) == want
    assert [p.row for p in info.value.problems] == [w[0] for w in want]
    assert not (tmp_path / "out" / "results").exists()


def test_an_enterprise_period_in_two_partitions_is_refused(dataset, tmp_path):
    split = tmp_path / "split"
    shutil.copytree(dataset, split)
    first = pd.read_parquet(sorted(split.glob("*.parquet"))[0])
    first.head(3).to_parquet(split / "zz-extra.parquet", index=False)  # the same enterprise-period again
    with pytest.raises(InvalidInput) as info:
        account_dataset(split, tmp_path / "out", options=OPT)
    assert info.value.problems[0].code == "enterprise_period_split"
    assert not (tmp_path / "out" / "results").exists()


def test_empty_and_all_none_park_partitions_keep_the_schema(activities, tmp_path):
    few = activities[activities["enterprise"].isin(activities["enterprise"].unique()[:3])].assign(park=None)
    write_dataset(few, tmp_path / "few", 8)  # 3 enterprises in 8 files: at least 5 are empty
    account_dataset(tmp_path / "few", tmp_path / "out", options=OPT)
    schema = {c: str(t) for c, t in summary_schema().items()}
    files = result_files(tmp_path / "out")
    assert len(files) == 8 and any(len(pd.read_parquet(f)) == 0 for f in files)
    for f in files:
        frame = pd.read_parquet(f)
        assert list(frame.columns) == list(schema)
        assert {c: str(t) for c, t in frame.dtypes.items()} == schema


def test_parquet_round_trip_keeps_values_and_dtypes(activities, whole, tmp_path):
    acts = activities.head(500).astype({"region": "str"}).copy()
    acts.loc[acts.index[0], "region"] = "CN"
    write_dataset(acts, tmp_path / "acts", 1)
    back = read_parquet(tmp_path / "acts")
    for column in ("enterprise", "period", "item", "unit", "region", "industry"):
        assert back[column].astype(str).tolist() == acts[column].astype(str).tolist(), column
    assert back["region"].astype(str).str.fullmatch(r"\d{6}|CN").all()  # codes stay strings
    assert back["amount"].tolist() == acts["amount"].tolist()
    assert back["row"].tolist() == list(range(1, 501))
    whole.to_parquet(tmp_path / "summary.parquet", index=False)
    pd.testing.assert_frame_equal(pd.read_parquet(tmp_path / "summary.parquet"), whole, check_exact=True)
