"""How many workers ``carbonkit serve`` starts by default (one per CPU the process may use, within a CPU quota),
and that each listens on its own socket of the port, so that the kernel spreads connections over them."""

from __future__ import annotations

import os
import pickle
import socket
import subprocess
import sys
import time
from pathlib import Path

import pytest

from api.workers import OwnSocket, reuse_port_available, reuse_port_socket
from cli.service import cpu_quota, default_workers
from servers import ROOT, free_port, service_env, stop


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


# --- each worker on its own socket (api.workers) -------------------------------------------------------------

linux_only = pytest.mark.skipif(not reuse_port_available(), reason="SO_REUSEPORT spreads connections on Linux only")


def _env(tmp_path) -> dict[str, str]:
    return service_env(f"sqlite:///{tmp_path / 'serve.db'}")


def _listening(port: int) -> int:
    """Listening TCP sockets on ``port`` (/proc/net/tcp: state 0A)."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    return sum(1 for line in lines if line.split()[3] == "0A" and int(line.split()[1].rsplit(":", 1)[1], 16) == port)


def _holders(port: int, pids: list[int]) -> dict[int, int]:
    """Established connections on our side of ``port`` held by each of ``pids``."""
    lines = Path("/proc/net/tcp").read_text().splitlines()[1:]
    inodes = {line.split()[9] for line in lines
              if line.split()[3] == "01" and int(line.split()[1].rsplit(":", 1)[1], 16) == port}
    held = {pid: sum(1 for link in _links(pid) if link.startswith("socket:[") and link[8:-1] in inodes) for pid in pids}
    return held


def _links(pid: int) -> list[str]:
    """What each open file descriptor of ``pid`` points to; one closed meanwhile (a database connection let go
    after its answer was sent) is left out, not an error."""
    links = []
    for fd in Path(f"/proc/{pid}/fd").iterdir():
        try:
            links.append(os.readlink(fd))
        except FileNotFoundError:
            continue
    return links


@linux_only
def test_own_socket_becomes_a_reuse_port_socket_where_unpickled():
    sock = pickle.loads(pickle.dumps(OwnSocket("127.0.0.1", 0)))  # what a spawned worker receives
    try:
        assert isinstance(sock, socket.socket)
        assert sock.getsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT) == 1
        assert sock.getsockname()[0] == "127.0.0.1"
    finally:
        sock.close()


@linux_only
def test_two_sockets_share_a_port_and_a_plain_socket_refuses_it():
    a = reuse_port_socket("127.0.0.1", 0)
    port = a.getsockname()[1]
    b = reuse_port_socket("127.0.0.1", port)  # a second worker's socket on the same port
    a.close(), b.close()
    with socket.socket() as plain:  # someone else's (no SO_REUSEPORT): the port is refused, not shared
        plain.bind(("127.0.0.1", port))
        plain.listen()
        with pytest.raises(OSError):
            reuse_port_socket("127.0.0.1", port)


@linux_only
def test_serve_gives_each_worker_its_socket_and_the_kernel_spreads_connections(tmp_path):
    """With one shared socket (plain ``uvicorn --workers 2``) 16 connections opened together landed 16/0 in 4 of
    5 tries; here two listening sockets exist and 64 connections reach both workers (by a hash of their ports:
    all 64 on one worker has a chance of 2 in 2**64)."""
    port = free_port()
    env = _env(tmp_path)
    log = tmp_path / "serve.log"
    with open(log, "wb") as out:
        proc = subprocess.Popen([sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", "2",
                                 "--no-access-log"], cwd=ROOT, env=env, stdout=out, stderr=subprocess.STDOUT,
                                start_new_session=True)
    conns: list[socket.socket] = []
    try:
        deadline = time.monotonic() + 90
        while _listening(port) < 2:
            assert proc.poll() is None, log.read_text()
            assert time.monotonic() < deadline, "no two listening sockets:\n" + log.read_text()
            time.sleep(0.2)
        time.sleep(0.5)  # both workers' startup done (each listens only after its app started)
        assert _listening(port) == 2
        for _ in range(64):
            conn = socket.create_connection(("127.0.0.1", port), timeout=30)
            conn.sendall(b"GET /healthz HTTP/1.1\r\nHost: test\r\n\r\n")
            conns.append(conn)
        assert all(c.recv(4096).startswith(b"HTTP/1.1 200") for c in conns)
        children = [int(p) for p in Path(f"/proc/{proc.pid}/task/{proc.pid}/children").read_text().split()]
        held = _holders(port, children)
        workers = {pid: n for pid, n in held.items() if n}
        assert len(workers) == 2 and sum(workers.values()) == 64, (held, log.read_text())
    finally:
        for conn in conns:
            conn.close()
        stop(proc)


@linux_only
def test_serve_refuses_a_port_in_use_before_starting_workers(tmp_path):
    env = _env(tmp_path)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        done = subprocess.run([sys.executable, "-m", "cli.main", "serve", "--port", str(port), "--workers", "2"],
                              cwd=ROOT, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert f"cannot listen on 127.0.0.1:{port}" in done.stdout + done.stderr
    assert "Started server process" not in done.stdout + done.stderr
