"""Emails written by the clusters of the fault tests, one file per connection, and read back."""

import email
import email.policy
import os
import uuid
from dataclasses import dataclass
from pathlib import Path

from django.core.mail.backends import filebased

SEPARATOR = b"\n" + b"-" * 79 + b"\n"


class OneFilePerConnectionBackend(filebased.EmailBackend):
    """Django's file backend, with a file name no other process can pick. The process group (the
    cluster: its workers are forked into the group the test started) and the process id come first."""

    def _get_filename(self):
        if self._fname is None:
            self._fname = os.path.join(self.file_path, f"{os.getpgrp()}-{os.getpid()}-{uuid.uuid4().hex}.eml")
        return self._fname


@dataclass(frozen=True)
class SentEmail:
    event: str  # the outbox key (X-Inspira-Event)
    to: str
    subject: str
    attachments: tuple[str, ...]
    cluster: int  # the process group that sent it
    pid: int


def sent_emails(folder: Path) -> list[SentEmail]:
    found = []
    for path in sorted(folder.glob("*.eml")):
        cluster, pid, _rest = path.name.split("-", 2)
        for raw in path.read_bytes().split(SEPARATOR):
            if not raw.strip():
                continue
            message = email.message_from_bytes(raw, policy=email.policy.default)
            found.append(SentEmail(
                event=message["X-Inspira-Event"], to=message["To"], subject=message["Subject"],
                attachments=tuple(part.get_filename() for part in message.iter_attachments()),
                cluster=int(cluster), pid=int(pid),
            ))
    return found
