"""``carbonkit export parquet``: the latest reports of the database as an enterprise-hashed Parquet dataset.

The documents of the latest revision of each (enterprise, period) are read in chunks (``yield_per``),
flattened into the long activity table and appended to ``OUT/part-00000.parquet`` ... by the hash of
the enterprise id (:func:`carbonkit.parquet.bucket_of`), so that every enterprise is in one file and
``carbonkit account --engine ... OUT/`` can account the files one by one. Memory stays bounded by the chunk.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd
from sqlalchemy import select
from sqlmodel import Session, col

from api.db import engine_for
from api.models import Enterprise, Report
from api.settings import Settings

CHUNK = 20_000  # reports per write
_HEAD = ("enterprise", "period", "region", "industry", "park", "name")
_ITEM = ("item", "amount", "unit", "flow", "enthalpy")


def export_parquet(settings: Settings, out: Path, buckets: int, *, year: int | None = None, province: str | None = None,
                   chunk: int = CHUNK) -> dict[str, Any]:
    """Write the dataset; returns the number of reports and activity rows written."""
    import pyarrow.parquet as pq

    from carbonkit.parquet import activity_schema, bucket_of

    out.mkdir(parents=True, exist_ok=True)
    schema = activity_schema()
    writers = [pq.ParquetWriter(out / f"part-{k:05d}.parquet", schema) for k in range(buckets)]
    query = (select(col(Report.document)).join(Enterprise, col(Enterprise.id) == col(Report.enterprise_id))
             .where(col(Report.is_latest)))
    if year is not None:
        query = query.where(col(Report.period).like(f"{int(year):04d}%"))
    if province:
        query = query.where(col(Enterprise.region).like(f"{province}%"))
    query = query.order_by(Report.enterprise_id, Report.period)
    reports = rows = 0
    try:
        with Session(engine_for(settings.database_url)) as session:
            batch: list[dict[str, Any]] = []
            for document in session.execute(query.execution_options(yield_per=chunk)).scalars():
                batch.append(document)
                if len(batch) >= chunk:
                    rows += _write(batch, writers, schema, bucket_of)
                    reports, batch = reports + len(batch), []
            rows += _write(batch, writers, schema, bucket_of)
            reports += len(batch)
    finally:
        for writer in writers:
            writer.close()
    return {"reports": reports, "rows": rows, "buckets": buckets, "out": str(out)}


def _write(documents: list[dict[str, Any]], writers: list[Any], schema: Any, bucket_of: Any) -> int:
    import pyarrow as pa

    records = [{**{k: doc.get(k) for k in _HEAD}, **{k: it.get(k) for k in _ITEM}}
               for doc in documents for it in doc.get("items", [])]
    if not records:
        return 0
    frame = pd.DataFrame.from_records(records, columns=schema.names)
    which = bucket_of(frame["enterprise"].to_numpy(dtype=object), len(writers))
    for k in np.unique(which):
        part = frame[which == k]
        writers[k].write_table(pa.Table.from_pandas(part, schema=schema, preserve_index=False))
    return len(frame)
