"""What the API benchmarks need to serve Comptoir as in production and to load it: Granian
started as ``comptoir run`` starts it (production settings, its own process group), a
small keep-alive HTTP/1.1 client cheap enough to share two CPUs with the server, and the
CPU time of processes and of the whole machine, read from ``/proc``."""

from __future__ import annotations

import os
import secrets
import signal
import socket
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

# -- Granian ----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def production_env(*, var: Path, database_url: str, tasks_url: str) -> dict[str, str]:
    """The environment of a production deployment, for this machine. Comptoir's settings
    never redirect to HTTPS themselves (no SECURE_SSL_REDIRECT: TLS ends at the proxy), so
    plain http on 127.0.0.1 is served as is; the cookies are marked secure, which a bearer
    token does not use."""
    env = {
        k: v
        for k, v in os.environ.items()
        if not k.startswith(("COMPTOIR_", "DJANGO_", "DATABASE_URL", "GRANIAN_"))
    }
    env.update(
        COMPTOIR_ENV="production",
        DEBUG="false",
        SECRET_KEY=secrets.token_urlsafe(50),
        ALLOWED_HOSTS="127.0.0.1,localhost",
        DATABASE_URL=database_url,
        COMPTOIR_TASKS_URL=tasks_url,
        COMPTOIR_TASKS_IMMEDIATE="false",
        COMPTOIR_VAR_DIR=str(var),
        DJANGO_SETTINGS_MODULE="comptoir.settings",
        LOG_LEVEL="WARNING",
    )
    return env


@dataclass
class Server:
    """Granian started as ``comptoir run`` starts it, in its own process group."""

    env: dict[str, str]
    workers: int
    threads: int
    port: int
    log: Path
    app: str = "comptoir.wsgi:application"
    process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        command = [
            sys.executable,
            "-m",
            "granian",
            "--interface",
            "wsgi",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--workers",
            str(self.workers),
            "--blocking-threads",
            str(self.threads),
            self.app,
        ]
        with self.log.open("ab") as out:
            self.process = subprocess.Popen(  # noqa: S603 - our own interpreter and arguments
                command, env=self.env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(f"Granian stopped at start:\n{self.log.read_text()[-3000:]}")
            try:
                status, _body = HttpConnection(self.port).request(b"GET", "/healthz")
            except OSError:
                status = 0
            if status == 200:
                return
            time.sleep(0.2)
        self.stop()
        raise SystemExit(f"Granian did not answer /healthz in 60 s:\n{self.log.read_text()[-3000:]}")

    def pids(self) -> list[int]:
        """Granian's main process and its workers."""
        if self.process is None:
            return []
        return [self.process.pid, *descendants(self.process.pid)]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)  # the group this script started
        try:
            self.process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()

    def describe(self) -> str:
        return f"Granian, {self.workers} worker(s) x {self.threads} thread(s), http://127.0.0.1:{self.port}"


def descendants(pid: int) -> list[int]:
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
        except OSError:
            continue
        ppid = int(stat.rsplit(")", 1)[1].split()[1])
        children.setdefault(ppid, []).append(int(entry.name))
    found, todo = [], [pid]
    while todo:
        for child in children.get(todo.pop(), []):
            found.append(child)
            todo.append(child)
    return found


def cpu_seconds(pids: list[int]) -> float:
    """User + system CPU time of these processes (their own, not their children's)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / ticks


def machine_busy_seconds() -> float:
    """Busy CPU seconds of the whole machine since boot, every CPU summed."""
    fields = [int(x) for x in Path("/proc/stat").read_text().splitlines()[0].split()[1:]]
    idle = fields[3] + fields[4]  # idle, iowait
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


# -- a small HTTP/1.1 client ------------------------------------------------------------


class HttpConnection:
    """One keep-alive connection speaking just enough HTTP/1.1 for this benchmark: the
    request bytes are built by the caller, the answer is read by its Content-Length (or
    chunks). ``http.client`` parses headers with the ``email`` package, which would make
    the load generator cost more CPU than the server it measures."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.sock: socket.socket | None = None
        self.buffer = b""

    def connect(self) -> None:
        self.sock = socket.create_connection(("127.0.0.1", self.port), timeout=30)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.buffer = b""

    def close(self) -> None:
        if self.sock is not None:
            self.sock.close()
        self.sock = None

    def request(
        self, method: bytes, path: str, *, headers: dict[str, str] | None = None, body: bytes = b""
    ) -> tuple[int, bytes]:
        lines = [f"{method.decode()} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}"]
        lines += [f"{k}: {v}" for k, v in (headers or {}).items()]
        if body or method == b"POST":
            lines.append(f"Content-Length: {len(body)}")
        return self.send(("\r\n".join(lines) + "\r\n\r\n").encode() + body)

    def send(self, raw: bytes) -> tuple[int, bytes]:
        if self.sock is None:
            self.connect()
        assert self.sock is not None
        try:
            self.sock.sendall(raw)
            return self._read()
        except OSError:
            self.close()
            raise

    def _recv(self) -> None:
        assert self.sock is not None
        chunk = self.sock.recv(65536)
        if not chunk:
            raise ConnectionError("the server closed the connection")
        self.buffer += chunk

    def _read(self) -> tuple[int, bytes]:
        while (end := self.buffer.find(b"\r\n\r\n")) < 0:
            self._recv()
        head, self.buffer = self.buffer[:end], self.buffer[end + 4 :]
        status_line, *header_lines = head.split(b"\r\n")
        status = int(status_line.split(b" ", 2)[1])
        length, chunked, close = 0, False, False
        for line in header_lines:
            name, _, value = line.partition(b":")
            name = name.strip().lower()
            if name == b"content-length":
                length = int(value)
            elif name == b"transfer-encoding" and b"chunked" in value.lower():
                chunked = True
            elif name == b"connection" and b"close" in value.lower():
                close = True
        if chunked:
            body = self._read_chunks()
        else:
            while len(self.buffer) < length:
                self._recv()
            body, self.buffer = self.buffer[:length], self.buffer[length:]
        if close:
            self.close()
        return status, body

    def _read_chunks(self) -> bytes:
        body = b""
        while True:
            while (end := self.buffer.find(b"\r\n")) < 0:
                self._recv()
            size = int(self.buffer[:end].split(b";")[0], 16)
            while len(self.buffer) < end + 2 + size + 2:
                self._recv()
            body += self.buffer[end + 2 : end + 2 + size]
            self.buffer = self.buffer[end + 2 + size + 2 :]
            if size == 0:
                return body
