"""How many workers ``carbonkit serve`` starts by default: one per CPU the process may use, within a CPU quota."""

from __future__ import annotations

import os

import pytest

from cli.service import cpu_quota, default_workers


def write(root, files: dict[str, str]):
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


@pytest.mark.parametrize("files, quota", [
    ({"cpu.max": "150000 100000\n"}, 1.5),  # cgroup v2: 150,000 us per 100,000 us period = 1.5 CPUs
    ({"cpu.max": "max 100000\n"}, None),  # v2 without a limit
    ({"cpu/cpu.cfs_quota_us": "50000\n", "cpu/cpu.cfs_period_us": "100000\n"}, 0.5),  # v1: 50,000 / 100,000
    ({"cpu/cpu.cfs_quota_us": "-1\n", "cpu/cpu.cfs_period_us": "100000\n"}, None),  # v1 without a limit
    ({}, None),  # no cgroup files (not Linux, or not mounted)
])
def test_cpu_quota_of_cgroup_v1_and_v2(tmp_path, files, quota):
    assert cpu_quota(write(tmp_path, files)) == quota


@pytest.mark.parametrize("cpus, files, workers", [
    (4, {}, 4),  # no quota: one per CPU it may run on
    (4, {"cpu.max": "150000 100000"}, 2),  # 1.5 CPUs rounded up
    (4, {"cpu/cpu.cfs_quota_us": "50000", "cpu/cpu.cfs_period_us": "100000"}, 1),  # half a CPU: still one worker
    (1, {"cpu.max": "800000 100000"}, 1),  # a quota of 8 CPUs does not add CPUs the process may not run on
])
def test_default_workers_fit_the_cpus_and_the_quota(tmp_path, monkeypatch, cpus, files, workers):
    monkeypatch.setattr(os, "sched_getaffinity", lambda pid: set(range(cpus)), raising=False)
    assert default_workers(write(tmp_path, files)) == workers
