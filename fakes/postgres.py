"""A throwaway PostgreSQL cluster for the tests: real server, temp directory, loopback only.

PostgreSQL refuses to run as root, and CI runs as root: the cluster then belongs to the unprivileged
``nobody`` user. It listens on 127.0.0.1 on a free port, trusts local connections (nothing else can
reach it), and is stopped and removed when the context closes.
"""

from __future__ import annotations

import glob
import os
import shutil
import subprocess
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from urllib.parse import urlsplit

from . import free_port


def _bin_dir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/pg_ctl"))
    if not found:
        raise RuntimeError("PostgreSQL is not installed: apt-get install postgresql (the .ci/run script "
                           "does)")
    return Path(found[-1]).parent


def _as_owner(args: list[str], run_as: str | None) -> list[str]:
    return ["runuser", "-u", run_as, "--", *args] if run_as else args


@contextmanager
def pg_cluster() -> Iterator[str]:
    """Start a cluster; yield a ``postgresql://`` URL of its database ``imabot``."""
    bin_dir = _bin_dir()
    run_as = "nobody" if os.geteuid() == 0 else None
    root = Path(tempfile.mkdtemp(prefix="imabot-pg-"))
    data = root / "data"
    if run_as:
        shutil.chown(root, user=run_as)
        os.chmod(root, 0o700)
    port = free_port()
    env = {**os.environ, "LC_ALL": "C.UTF-8", "LANG": "C.UTF-8"}
    try:
        subprocess.run(_as_owner([str(bin_dir / "initdb"), "-D", str(data), "-U", "imabot", "--auth=trust",
                                  "-E", "UTF8", "--no-sync"], run_as), check=True, capture_output=True,
                       env=env)
        options = (f"-c listen_addresses=127.0.0.1 -p {port} -k {root} -c fsync=off -c "
                   f"synchronous_commit=off "
                   "-c full_page_writes=off -c max_connections=200")
        subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-o", options, "-l",
                                  str(root / "log"),
                                  "-w", "-t", "60", "start"], run_as), check=True, capture_output=True,
                       env=env)
        server = f"postgresql://imabot@127.0.0.1:{port}/imabot"
        create_database(server, "imabot")
        yield server
    finally:
        if (data / "postmaster.pid").exists():
            subprocess.run(_as_owner([str(bin_dir / "pg_ctl"), "-D", str(data), "-m", "immediate", "-w",
                                      "stop"],
                                     run_as), capture_output=True, env=env)
        for _ in range(50):
            if not (data / "postmaster.pid").exists():
                break
            time.sleep(0.1)
        shutil.rmtree(root, ignore_errors=True)



def _client(server: str, tool: str, *args: str) -> None:
    """``createdb`` / ``dropdb`` against the cluster at ``server`` (trusted loopback: any OS user may)."""
    where = urlsplit(server)
    subprocess.run([str(_bin_dir() / tool), "-h", where.hostname or "127.0.0.1", "-p", str(where.port),
                    "-U", where.username or "imabot", *args], check=True, capture_output=True)


def create_database(server: str, name: str) -> str:
    """A new, empty database on the cluster at ``server``; returns its URL."""
    _client(server, "createdb", name)
    return server.rsplit("/", 1)[0] + "/" + name


def drop_database(server: str, name: str) -> None:
    _client(server, "dropdb", "--force", "--if-exists", name)
