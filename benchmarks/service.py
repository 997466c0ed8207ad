"""The carbonkit service under uvicorn in a subprocess on 127.0.0.1, for the HTTP benchmarks.

    with Service(database_url, workers=1) as svc:
        svc.url                   # http://127.0.0.1:<free port>
        svc.province_key()        # a key made in this process against the same database
        svc.cpu_seconds()         # user + system CPU of the server and its worker processes so far

The server is started as ``carbonkit serve --no-access-log`` starts it (``python -m cli.main serve``: the
migration once, then uvicorn; with several workers each listens on its own ``SO_REUSEPORT`` socket of the
port, :mod:`api.workers`) with ``CARBONKIT_DATABASE_URL`` in its environment; start() waits (bounded) for
``GET /healthz``; stop() sends SIGTERM, waits, and kills
the server's own process group only if it does not exit. Traffic stays on loopback; httpx clients
made here ignore proxy variables (``trust_env=False``).
"""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx
from sqlalchemy import create_engine, text

HOST = "127.0.0.1"
ROOT = Path(__file__).resolve().parent.parent
POSTGRES_URL = "postgresql+psycopg://carbonkit:carbonkit@127.0.0.1:5432/carbonkit_bench"


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as s:
        s.bind((HOST, 0))
        return s.getsockname()[1]


def sqlite_url(directory: str | Path) -> str:
    return f"sqlite:///{Path(directory) / 'bench.sqlite'}"


def reset_postgres(url: str = POSTGRES_URL) -> None:
    """Drop and recreate the public schema of the bench database: every table, index and sequence goes."""
    engine = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text("DROP SCHEMA IF EXISTS public CASCADE"))
            conn.execute(text("CREATE SCHEMA public"))
    finally:
        engine.dispose()


def postgres_ready(url: str = POSTGRES_URL) -> str | None:
    """None if the bench database answers, otherwise the error (start it with ``bash .ci/postgres.sh``)."""
    engine = create_engine(url, connect_args={"connect_timeout": 5})
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
        return None
    except Exception as exc:  # noqa: BLE001 - reported to the user
        return str(exc).splitlines()[0]
    finally:
        engine.dispose()


def _proc_cpu(pid: int) -> float:
    """utime + stime of one process [s] from /proc (0 where /proc is missing)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return 0.0


def _children(pid: int) -> list[int]:
    out = []
    for task in Path(f"/proc/{pid}/task").glob("*"):
        try:
            out += [int(c) for c in (task / "children").read_text().split()]
        except OSError:
            pass
    return out


def machine_busy_seconds() -> float:
    """CPU [s] all processes of the machine have used since boot (every core; /proc/stat, 0 elsewhere).

    The difference over a phase, minus the server's and the load generator's CPU, is what other
    processes took from the cores meanwhile: on a shared machine it explains slow runs.
    """
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    except (OSError, ValueError):
        return 0.0
    idle = fields[3] + (fields[4] if len(fields) > 4 else 0)  # idle + iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def load_average() -> str:
    try:
        return " ".join(f"{v:.1f}" for v in os.getloadavg())
    except OSError:
        return "n/a"


class Service:
    """uvicorn serving ``api.main:create_app`` on a free loopback port, with its own log file."""

    def __init__(self, database_url: str, workers: int = 1, start_timeout: float = 90.0,
                 extra_env: dict[str, str] | None = None):
        self.database_url, self.workers, self.start_timeout = database_url, workers, start_timeout
        self.extra_env = extra_env or {}
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.proc: subprocess.Popen | None = None
        self._logdir = tempfile.TemporaryDirectory(prefix="carbonkit-bench-log-")
        self.log_path = Path(self._logdir.name) / "uvicorn.log"
        self._log = None
        self.startup_seconds = float("nan")
        self.final_log = ""

    def start(self) -> Service:
        env = {**os.environ, "CARBONKIT_DATABASE_URL": self.database_url, "CARBONKIT_ENV": "development",
               "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p),
               **self.extra_env}
        cmd = [sys.executable, "-m", "cli.main", "serve", "--host", HOST, "--port", str(self.port),
               "--workers", str(self.workers), "--no-access-log"]  # as `carbonkit serve` starts it (api.workers)
        self._log = open(self.log_path, "wb")
        t0 = time.perf_counter()
        self.proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=self._log, stderr=subprocess.STDOUT,
                                     start_new_session=True)
        deadline = time.monotonic() + self.start_timeout
        with httpx.Client(base_url=self.url, timeout=5.0, trust_env=False) as client:
            while time.monotonic() < deadline:
                if self.proc.poll() is not None:
                    raise RuntimeError(f"uvicorn exited with {self.proc.returncode}:\n{self.log_tail()}")
                try:
                    r = client.get("/healthz")
                    if r.status_code == 200:
                        self.startup_seconds = time.perf_counter() - t0
                        return self
                except httpx.TransportError:
                    pass
                time.sleep(0.2)
        self.stop()
        raise RuntimeError(f"no answer from {self.url}/healthz within {self.start_timeout:.0f} s:\n{self.log_tail()}")

    def stop(self, timeout: float = 20.0) -> int | None:
        """SIGTERM, wait up to ``timeout`` s, then SIGKILL to the server's own process group. Returns the exit code."""
        if self.proc is None:
            return None
        if self.proc.poll() is None:
            self.proc.send_signal(signal.SIGTERM)
            try:
                self.proc.wait(timeout)
            except subprocess.TimeoutExpired:
                os.killpg(self.proc.pid, signal.SIGKILL)  # the group start_new_session gave this server
                self.proc.wait(10)
        if self._log is not None:
            self._log.close()
            self._log = None
        return self.proc.returncode

    def log_tail(self, lines: int = 30) -> str:
        if self._log is not None:
            self._log.flush()
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""

    def log_text(self) -> str:
        return self.log_tail(10_000)

    def province_key(self, name: str = "bench") -> str:
        """A province key, made with ``api.keys.create_key`` against the server's database (after it migrated)."""
        from api.db import session_scope
        from api.keys import create_key
        from api.settings import Settings

        with session_scope(Settings(database_url=self.database_url)) as session:
            return create_key(session, "province", name=name)[1]

    def key(self, role: str, name: str = "bench", **scope) -> str:
        from api.db import session_scope
        from api.keys import create_key
        from api.settings import Settings

        with session_scope(Settings(database_url=self.database_url)) as session:
            return create_key(session, role, name=name, **scope)[1]

    def cpu_seconds(self) -> float:
        """User + system CPU [s] used so far by the server process and its direct children (uvicorn workers)."""
        if self.proc is None:
            return 0.0
        return _proc_cpu(self.proc.pid) + sum(_proc_cpu(c) for c in _children(self.proc.pid))

    def connections(self) -> dict[int, int]:
        """Established client connections to our port held by each server process (pid -> count; Linux /proc).

        A keep-alive connection stays with the worker that accepted it. With one shared socket (plain
        ``uvicorn --workers N``) a burst of connections could all land on one worker; ``carbonkit serve`` gives
        each worker its own socket and the kernel spreads new connections over them by a hash.
        """
        if self.proc is None:
            return {}
        pids = [self.proc.pid, *_children(self.proc.pid)]
        established = set()
        for table in ("/proc/net/tcp", "/proc/net/tcp6"):
            try:
                lines = Path(table).read_text().splitlines()[1:]
            except OSError:
                continue
            for line in lines:
                cols = line.split()
                if cols[3] == "01" and int(cols[1].rsplit(":", 1)[1], 16) == self.port:  # ESTABLISHED, our side
                    established.add(cols[9])
        out = {}
        for pid in pids:
            fds = []
            try:
                for f in Path(f"/proc/{pid}/fd").iterdir():
                    try:
                        fds.append(os.readlink(f))
                    except OSError:  # closed meanwhile (a database connection let go): not the whole process
                        continue
            except OSError:  # the process is gone
                continue
            n = sum(1 for fd in fds if fd.startswith("socket:[") and fd[8:-1] in established)
            if n:
                out[pid] = n
        return out

    def __enter__(self) -> Service:
        return self.start()

    def problems_in_log(self) -> list[str]:
        """Log lines that name an error or a traceback (the server runs at log level warning)."""
        text = self.final_log or self.log_text()
        return [line for line in text.splitlines() if "Traceback" in line or "ERROR" in line or " 500 " in line]

    def __exit__(self, *exc) -> None:
        self.stop()
        self.final_log = self.log_text()
        self._logdir.cleanup()
