"""Several uvicorn workers, each listening on its own socket of one port, so that the kernel spreads connections.

``uvicorn --workers N`` binds one socket in the parent and every worker accepts from it. A burst of new
connections goes to whichever worker wakes first, and asyncio's accept loop takes up to a backlog of them at
once: 16 keep-alive connections opened together landed 16/0 on two workers in 4 of 5 tries
(benchmarks/README.md, "Keep-alive connections stick to one worker"), one worker did all the work and the
other idled. Here each worker opens its own listening socket on the same address with ``SO_REUSEPORT``
(Linux 3.9+): the kernel keeps the sockets in one group and hands each new connection to one of them by a
hash of its addresses and ports, so connections are spread evenly over the workers on average, whatever
the timing (what nginx's ``reuseport`` does).

Where ``SO_REUSEPORT`` is missing (not Linux, or one worker) the service starts as uvicorn starts it.
Supervision (a dead worker restarted, SIGHUP, SIGTERM) is uvicorn's own ``Multiprocess``: only the socket
handed to each worker differs. The price: connections the kernel has already queued on a worker's socket,
not yet accepted, are reset if that worker dies (clients retry), where a shared socket would have handed them
to another worker.
"""

from __future__ import annotations

import logging
import socket
import sys
from typing import Any

import uvicorn
from uvicorn.config import STARTUP_FAILURE
from uvicorn.supervisors import Multiprocess

logger = logging.getLogger("uvicorn.error")


def reuse_port_available() -> bool:
    """Whether this system balances connections over ``SO_REUSEPORT`` sockets (Linux)."""
    return sys.platform.startswith("linux") and hasattr(socket, "SO_REUSEPORT")


def reuse_port_socket(host: str, port: int) -> socket.socket:
    """A TCP socket bound to ``host``:``port`` with ``SO_REUSEPORT`` (not yet listening: uvicorn listens on it).

    Every socket of the group must set ``SO_REUSEPORT`` before binding, and the group belongs to one user.
    """
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    sock = socket.socket(family=family, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP)
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind((host, port))
    except OSError:
        sock.close()
        raise
    sock.set_inheritable(True)
    return sock


class OwnSocket:
    """Stands in the socket list uvicorn hands to each worker; unpickled in the worker (uvicorn starts workers
    with ``spawn``) it becomes that worker's own :func:`reuse_port_socket`, bound there. A restarted worker
    binds a new one in the same way."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port

    def __reduce__(self) -> tuple[Any, tuple[str, int]]:
        return reuse_port_socket, (self.host, self.port)


def run(app: str, *, host: str, port: int, workers: int, **options: Any) -> None:
    """Serve ``app`` (an import string of an app factory) with ``workers`` processes, each on its own socket.

    Parameters
    ----------
    app : str
        ``module:factory``, as ``uvicorn.run(app, factory=True)`` takes it.
    host, port : str, int
        The address every worker listens on.
    workers : int
        Worker processes [-]; one, or a system without ``SO_REUSEPORT``: ``uvicorn.run`` as it is.
    **options
        Further ``uvicorn.Config`` options (log level, access log).
    """
    if workers <= 1 or not reuse_port_available():
        uvicorn.run(app, factory=True, host=host, port=port, workers=workers, **options)
        return
    config = uvicorn.Config(app, factory=True, host=host, port=port, workers=workers, **options)
    try:  # the parent holds the port in the group (bound, never listening: it takes no connection) and
        # refuses here, once, an address in use or not ours, before any worker starts
        held = reuse_port_socket(host, port)
    except OSError as exc:
        logger.error("cannot listen on %s:%d: %s", host, port, exc)
        sys.exit(STARTUP_FAILURE)
    logger.info("Uvicorn running on http://%s:%d with %d workers, one socket each (SO_REUSEPORT)",
                host, port, workers)
    try:
        Multiprocess(config, sockets=[OwnSocket(host, port)]).run()  # type: ignore[list-item]  # see OwnSocket
    except KeyboardInterrupt:
        pass
    finally:
        held.close()
