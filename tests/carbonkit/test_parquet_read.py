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
