"""Where files that only permission-checked views hand out are kept: the basis document's
attachments, the decision letters, invoices and the pictures of applications not yet decided.

They are stored outside ``MEDIA_ROOT`` (which the web server or, with DEBUG, Django serves to
anyone who knows an address) and the storage has no URL at all, so the only way to a file is a
view that checks who is asking. The folder is ``PRIVATE_MEDIA_ROOT`` if set,
otherwise ``private`` beside ``MEDIA_ROOT`` (``var/private`` by default).
"""

import os
from pathlib import Path, PurePosixPath

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


def files_move(*, source, target, names) -> None:
    """Move the files ``names`` from storage ``source`` to ``target`` under the same names (for
    migrations that make public files private). Files already moved, or gone, are skipped, so
    a second run does nothing."""
    for name in names:
        if not source.exists(name) or target.exists(name):
            continue
        with source.open(name, "rb") as handle:
            saved = target.save(name, handle)
        if saved != name:  # cannot happen after the exists() check; never lose track of a file
            raise RuntimeError(f"{name} was stored as {saved}")
        source.delete(name)


def derived_files_delete(*, storage, folder: str, names) -> None:
    """Delete the files in ``folder`` made from ``names`` (named ``<stem>-<anything>``, such as
    thumbnails), which are made again where their source now lives."""
    try:
        _dirs, files = storage.listdir(folder)
    except FileNotFoundError:
        return
    stems = {PurePosixPath(name).stem for name in names}
    for file in files:
        if file.rsplit("-", 1)[0] in stems:
            storage.delete(f"{folder}/{file}")


def to_private_storage_operation(app_label: str, model_name: str, field: str, *, derived_folder: str = ""):
    """A migration operation that moves the files of ``model_name.field`` from MEDIA_ROOT to
    private storage (and back when reversed), removing files made from them in
    ``derived_folder`` (e.g. thumbnails, which are made again beside their source)."""
    from django.core.files.storage import default_storage
    from django.db import migrations

    def names(apps):
        model = apps.get_model(app_label, model_name)
        return list(model.objects.exclude(**{field: ""}).values_list(field, flat=True))

    def forwards(apps, schema_editor):
        moved = names(apps)
        files_move(source=default_storage, target=private_storage(), names=moved)
        if derived_folder:
            derived_files_delete(storage=default_storage, folder=derived_folder, names=moved)

    def backwards(apps, schema_editor):
        files_move(source=private_storage(), target=default_storage, names=names(apps))

    return migrations.RunPython(forwards, backwards)
