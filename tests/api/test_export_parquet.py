"""``carbonkit export parquet``: stored reports out as an enterprise-hashed dataset, accounted again to the
same numbers the service stored."""

from __future__ import annotations

import pandas as pd
import pytest

pytest.importorskip("pyarrow")

from service_kit import ENT_A, ENT_B, doc_a, doc_b  # noqa: E402


def test_export_then_account_gives_the_stored_results(settings, tmp_path):
    import carbonkit as ck
    from api.db import upgrade
    from api.export import export_parquet
    from api.ingest import ReportIn, options_for, prepare, store
    from api.keys import Principal
    from carbonkit.parquet import bucket_of, read_parquet

    upgrade(settings.database_url)
    docs = [doc_a("2023"), doc_b("2023"), doc_a("2024", coal_t=900)]
    batch = prepare(settings, [ReportIn(report=d) for d in docs])
    store(settings, Principal(key_id=None, role="province", name="t"), batch)
    done = export_parquet(settings, tmp_path / "ds", 3, year=2023, province="37")
    assert done["reports"] == 2  # the 2024 report is another year
    frame = read_parquet(tmp_path / "ds")
    assert set(frame["enterprise"]) == {ENT_A, ENT_B}
    for f in sorted((tmp_path / "ds").glob("*.parquet")):  # every enterprise in the file of its hash
        part = pd.read_parquet(f)
        assert (bucket_of(part["enterprise"].to_numpy(dtype=object), 3) == int(f.stem[-5:])).all()
    again = ck.account(frame, options=options_for(settings)).summary.set_index("enterprise")
    for ent in (ENT_A, ENT_B):
        assert again.loc[ent, "energy_equivalent_tce"] == pytest.approx(
            batch.records[(ent, "2023")]["energy_equivalent_tce"], rel=1e-12)
