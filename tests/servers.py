"""The service in a subprocess, for the tests that need a real server: a free port, the environment, stopping it."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]


def free_port() -> int:
    """A TCP port on 127.0.0.1 free at the time of asking."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def service_env(database_url: str) -> dict[str, str]:
    """This process's environment with the service's database, development mode and the repository importable."""
    return {**os.environ, "CARBONKIT_DATABASE_URL": database_url, "CARBONKIT_ENV": "development",
            "PYTHONPATH": os.pathsep.join(p for p in (str(ROOT), os.environ.get("PYTHONPATH", "")) if p)}


def stop(proc: subprocess.Popen) -> None:
    """SIGTERM, up to 20 s to exit, then SIGKILL to the process group (started with ``start_new_session``)."""
    proc.send_signal(signal.SIGTERM)
    try:
        proc.wait(20)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(10)
