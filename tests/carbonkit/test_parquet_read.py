"""Reading a Parquet dataset of several files: text columns stay categorical across files (memory at scale),
values, rows and sources are those of the files, and a list of files reads like the folder."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("pyarrow")

from carbonkit.parquet import concat_categorical, read_parquet, write_dataset  # noqa: E402
from carbonkit.synthetic import province  # noqa: E402


@pytest.fixture(scope="module")
def dataset(tmp_path_factory):
    acts = province(60, years=[2023], months=True, seed=5)
    folder = tmp_path_factory.mktemp("acts")
    files = write_dataset(acts, folder, 4)
    return acts, folder, files


def test_text_columns_stay_categorical_over_several_files(dataset):
    acts, folder, files = dataset
    back = read_parquet(folder)
    # each file has its own enterprises and its own source: pd.concat would give plain text for both
    for column in ("enterprise", "period", "item", "unit", "region", "source"):
        assert isinstance(back[column].dtype, pd.CategoricalDtype), column
    assert back["source"].cat.categories.tolist() == [f.name for f in files]
    assert back["row"].tolist() == list(range(1, len(acts) + 1))
    singles = pd.concat([_plain(read_parquet(f)) for f in files], ignore_index=True)
    pd.testing.assert_frame_equal(_plain(back).drop(columns="row"), singles.drop(columns="row"))
    assert sorted(back["enterprise"].astype(str).unique()) == sorted(acts["enterprise"].astype(str).unique())


def _plain(frame: pd.DataFrame) -> pd.DataFrame:
    """Categorical columns as plain Python values (None for missing): the values, whatever the categories."""
    return frame.astype({c: object for c in frame.columns if isinstance(frame[c].dtype, pd.CategoricalDtype)})


def test_a_list_of_files_reads_like_the_folder(dataset):
    _acts, folder, files = dataset
    pd.testing.assert_frame_equal(read_parquet(files), read_parquet(folder))


def test_frames_with_other_columns_are_concatenated_as_pandas_does():
    a = pd.DataFrame({"x": pd.Categorical(["a"]), "y": [1.0]})
    b = pd.DataFrame({"x": pd.Categorical(["b"])})
    out = concat_categorical([a.copy(), b.copy()])
    pd.testing.assert_frame_equal(out, pd.concat([a, b], ignore_index=True))


def test_text_stored_as_numbers_or_dictionaries_reads_as_text(tmp_path):
    # Parquet from other tools: region codes stored as integers, items as an Arrow dictionary of strings and
    # units as a dictionary of integers. Text is read as Parquet's dictionaries (memory at scale); every one of
    # them still comes back as text categories.
    import pyarrow as pa
    import pyarrow.parquet as pq

    table = pa.table({
        "enterprise": pa.array(["E1", "E2", "E1"]),
        "period": pa.array(["2024", "2024", "2025"]),
        "item": pa.array(["electricity", "raw_coal", "electricity"]).dictionary_encode(),
        "amount": pa.array([1.5, 2.0, 3.0]),
        "unit": pa.DictionaryArray.from_arrays(pa.array([0, 1, 0], pa.int32()), pa.array([7, 8], pa.int64())),
        "region": pa.array([370211, 370100, 370211], pa.int64()),
    })
    pq.write_table(table, tmp_path / "a.parquet")
    back = read_parquet(tmp_path / "a.parquet")
    assert back["region"].astype(str).tolist() == ["370211", "370100", "370211"]
    assert back["unit"].astype(str).tolist() == ["7", "8", "7"]
    assert back["item"].astype(str).tolist() == ["electricity", "raw_coal", "electricity"]
    assert back["enterprise"].astype(str).tolist() == ["E1", "E2", "E1"]
    for column in ("enterprise", "period", "item", "unit", "region"):
        assert isinstance(back[column].dtype, pd.CategoricalDtype), column
        assert all(isinstance(c, str) for c in back[column].cat.categories), column
    assert back["amount"].tolist() == [1.5, 2.0, 3.0]
