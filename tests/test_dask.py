"""`--engine dask`: the same parse function on a dask.distributed cluster writes the same tables."""

from pathlib import Path

import pandas as pd
import pytest

from civic import engine, pipeline, store
from civic.schema import TABLES

ROOT = Path(__file__).resolve().parent.parent


def test_dask_build_on_a_local_cluster_equals_the_local_build(tmp_path):
    pipeline.build(ROOT / "data" / "raw", tmp_path / "dask", engine="dask", workers=1)
    pipeline.build(ROOT / "data" / "raw", tmp_path / "local", workers=1)
    for name in TABLES:
        pd.testing.assert_frame_equal(store.read_table(name, tmp_path / "dask"),
                                      store.read_table(name, tmp_path / "local"), obj=name)


def test_unknown_engine_names_the_known_ones():
    with pytest.raises(ValueError, match="unknown engine 'spark'; engines are: local, dask"):
        list(engine.run(len, [[1]], engine="spark"))
