"""Dovecot, the IMAP server people's support mailboxes live on, run by the tests as a real
process: Debian's ``dovecot-imapd`` with a configuration of its own in a temporary folder
(never /etc/dovecot), on a free port of 127.0.0.1, plaintext login (loopback only, no TLS),
one user from a passwd-file and Maildir storage in the same folder.

It runs unprivileged the way Dovecot's "rootless" set-up describes: every Dovecot process
(master, login, auth, imap) runs as one ordinary user. When the tests run as root (CI), the
server is started as ``nobody`` (Dovecot refuses root for its login processes and UID 0 for
mail), and the folder is handed to that user; otherwise it runs as the current user.
"""

from __future__ import annotations

import contextlib
import grp
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

from imap_tools import MailBoxUnencrypted

DOVECOT_CANDIDATES = ("/usr/sbin/dovecot", "/usr/local/sbin/dovecot")
START_TIMEOUT = 15.0

CONFIG = """\
# Comptoir's test server (tests/mailservers/dovecot.py): nothing from /etc/dovecot.
protocols = imap
listen = 127.0.0.1
base_dir = {root}/run
state_dir = {root}/state
instance_name = comptoir-tests-{port}
log_path = {root}/dovecot.log
info_log_path = {root}/dovecot.log
ssl = no
disable_plaintext_auth = no
auth_mechanisms = plain login
# A wrong password answers at once (the default waits 2 s to slow down guessing).
auth_failure_delay = 0
default_internal_user = {user}
default_internal_group = {group}
default_login_user = {user}
first_valid_uid = {uid}
last_valid_uid = {uid}
first_valid_gid = {gid}
last_valid_gid = {gid}
mail_location = maildir:~/Maildir
mail_fsync = never
passdb {{
  driver = passwd-file
  args = scheme=PLAIN username_format=%u {root}/users
}}
userdb {{
  driver = passwd-file
  args = username_format=%u {root}/users
}}
service imap-login {{
  chroot =
  inet_listener imap {{
    address = 127.0.0.1
    port = {port}
  }}
  inet_listener imaps {{
    port = 0
  }}
}}
service anvil {{
  chroot =
}}
"""


def dovecot_path() -> str | None:
    """The Dovecot binary (COMPTOIR_DOVECOT, else Debian's), or None when not installed."""
    configured = os.environ.get("COMPTOIR_DOVECOT")
    if configured:
        return configured
    found = shutil.which("dovecot")
    if found:
        return found
    return next((p for p in DOVECOT_CANDIDATES if Path(p).exists()), None)


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Dovecot:
    """One Dovecot server with one mail account (``user`` / ``password``)."""

    binary: str
    user: str = "support"
    password: str = "mot-de-passe-du-support"
    port: int = 0
    root: Path | None = None
    process: subprocess.Popen[bytes] | None = field(default=None, repr=False)

    # -- life cycle ------------------------------------------------------------------

    def start(self) -> None:
        self.port = self.port or _free_port()
        self.root = Path(tempfile.mkdtemp(prefix="comptoir-dovecot-"))
        self.root.chmod(0o755)
        runner = pwd.getpwnam("nobody") if os.geteuid() == 0 else pwd.getpwuid(os.geteuid())
        uid, gid = runner.pw_uid, runner.pw_gid
        home = self.root / "home" / self.user
        for folder in (self.root / "run", self.root / "state", home):
            folder.mkdir(parents=True)
        (self.root / "users").write_text(f"{self.user}:{{PLAIN}}{self.password}:{uid}:{gid}::{home}::\n")
        config = self.root / "dovecot.conf"
        config.write_text(
            CONFIG.format(
                root=self.root,
                port=self.port,
                user=runner.pw_name,
                group=grp.getgrgid(gid).gr_name,
                uid=uid,
                gid=gid,
            )
        )
        as_other_user: dict[str, object] = {}
        if os.geteuid() == 0:
            for path in (self.root, *self.root.rglob("*")):
                os.chown(path, uid, gid)
            as_other_user = {"user": uid, "group": gid, "extra_groups": []}
        self.process = subprocess.Popen(  # noqa: S603 (our own fixed command line)
            [self.binary, "-F", "-c", str(config)],
            stdin=subprocess.DEVNULL,
            stdout=(self.root / "stdout.log").open("wb"),
            stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C of pytest is for pytest; stop() ends Dovecot
            **as_other_user,  # type: ignore[arg-type]
        )
        self._wait_until_ready()

    def _wait_until_ready(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process is None or self.process.poll() is not None:
                raise RuntimeError(f"Dovecot exited at start-up:\n{self.logs()}")
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", self.port), 1) as s:
                if s.recv(200).startswith(b"* OK"):
                    return
            time.sleep(0.05)
        self.stop()
        raise RuntimeError(f"Dovecot did not answer on 127.0.0.1:{self.port}:\n{self.logs()}")

    def logs(self) -> str:
        if self.root is None:
            return ""
        parts = []
        for name in ("stdout.log", "dovecot.log"):
            path = self.root / name
            if path.exists():
                parts.append(path.read_text(errors="replace")[-4000:])
        return "\n".join(parts)

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            try:
                self.process.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)
            self.process = None
        if self.root is not None:
            shutil.rmtree(self.root, ignore_errors=True)
            self.root = None

    # -- what a person or another program does to the mailbox ------------------------

    def connect(self, *, folder: str = "INBOX") -> MailBoxUnencrypted:
        return MailBoxUnencrypted("127.0.0.1", port=self.port, timeout=10).login(
            self.user, self.password, initial_folder=folder
        )

    def reset(self) -> None:
        """An empty INBOX and no other folder: each test starts from a fresh account."""
        with self.connect() as box:
            for info in box.folder.list():
                if info.name.upper() != "INBOX":
                    box.folder.delete(info.name)
            uids = box.uids()
            if uids:
                box.delete(uids)

    def append(self, *raws: bytes, folder: str = "INBOX") -> None:
        """Mails arrive in the folder (what the MTA's delivery does, here over IMAP APPEND)."""
        with self.connect() as box:
            for raw in raws:
                box.append(raw, folder)

    def message_ids(self, folder: str = "INBOX") -> list[str]:
        """The Message-IDs of the mails in ``folder``, oldest first ("" for a mail without)."""
        with self.connect(folder=folder) as box:
            return [
                (m.headers.get("message-id", ("",))[0]).strip()
                for m in box.fetch(mark_seen=False, headers_only=True, bulk=True)
            ]

    def uids(self, folder: str = "INBOX") -> list[int]:
        with self.connect(folder=folder) as box:
            return sorted(int(u) for u in box.uids())

    def folders(self) -> set[str]:
        with self.connect() as box:
            return {info.name for info in box.folder.list()}

    def recreate(self, folder: str) -> None:
        """Delete the folder and create it again: the server gives it a new UIDVALIDITY
        (what a restored backup or a migrated server does to IMAP clients)."""
        with self.connect() as box:
            box.folder.delete(folder)
            box.folder.create(folder)

    def uid_validity(self, folder: str) -> int:
        with self.connect() as box:
            return int(box.folder.status(folder, ["UIDVALIDITY"])["UIDVALIDITY"])
