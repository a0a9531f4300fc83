"""Where files that only permission-checked views hand out are kept: the basis document's
attachments, the decision letters, invoices and the pictures of applications not yet decided.

They are stored outside ``MEDIA_ROOT`` (which the web server or, with DEBUG, Django serves to
anyone who knows an address) and the storage has no URL at all, so the only way to a file is a
view that checks who is asking. The folder is ``PRIVATE_MEDIA_ROOT`` if set,
otherwise ``private`` beside ``MEDIA_ROOT`` (``var/private`` by default).
"""

import os
from pathlib import Path

from django.conf import settings
from django.core.files.storage import FileSystemStorage
from django.utils.deconstruct import deconstructible


def private_root() -> str:
    configured = getattr(settings, "PRIVATE_MEDIA_ROOT", None)
    return str(configured or Path(settings.MEDIA_ROOT).parent / "private")


@deconstructible
class PrivateStorage(FileSystemStorage):
    """A file system storage without URLs, whose folder follows the settings (read on every use,
    so tests that move MEDIA_ROOT move it too)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return private_root()

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    def url(self, name):
        raise ValueError("Private files have no public address; serve them through a view that checks permission")


_storage = PrivateStorage()


def private_storage() -> PrivateStorage:
    """The field's storage (a callable, so migrations name this function, not a folder)."""
    return _storage
