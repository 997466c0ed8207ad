"""The factor library: versioned tables with provenance, named releases, selection with fallback."""

from carbonkit.factors.release import Factor, Release, load_release, release_names
from carbonkit.factors.tables import KINDS, STATUSES, Table, read_table

__all__ = ["Factor", "Release", "Table", "KINDS", "STATUSES", "load_release", "read_table", "release_names"]
