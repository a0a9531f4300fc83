"""bin/backup and bin/restore, run as an operator would: the test database with rows and both upload
folders is backed up, then restored into a new database and new folders, and compared.

The restored database is dropped at the end.
"""

import hashlib
import os
import secrets
import subprocess
import uuid
from pathlib import Path

import psycopg
import pytest
from django.apps import apps
from django.conf import settings as django_settings
from django.db import connection

from inspira.core.audit import audit_record
from inspira.core.models import OutboxItem
from tests.factories import MembershipFactory, SchoolFactory, UserFactory
from tests.fault.conftest import database_url

pytestmark = [pytest.mark.fault, pytest.mark.django_db(transaction=True)]

BASE_DIR = Path(django_settings.BASE_DIR)
TRIGGERS = "SELECT tgname FROM pg_trigger WHERE NOT tgisinternal ORDER BY tgname"


def run(script: str, *args: str, env: dict) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603 (our own scripts)
        [str(BASE_DIR / "bin" / script), *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120)


def production_env(*, url: str, media: Path, private: Path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "LANG": "C.UTF-8",
        "DEBUG": "0",
        "SECRET_KEY": secrets.token_urlsafe(50),
        "ALLOWED_HOSTS": "inspira.example.se",
        "DATABASE_URL": url,
        "MEDIA_ROOT": str(media),
        "PRIVATE_MEDIA_ROOT": str(private),
    }


def files(folder: Path) -> dict[str, str]:
    return {str(path.relative_to(folder)): hashlib.sha256(path.read_bytes()).hexdigest()
            for path in sorted(folder.rglob("*")) if path.is_file()}


def table_counts(cursor) -> dict[str, int]:
    counts = {}
    for model in apps.get_models(include_auto_created=True):
        if model._meta.managed and not model._meta.proxy:
            table = model._meta.db_table
            cursor.execute(f'SELECT count(*) FROM "{table}"')  # noqa: S608 (table names from the models)
            counts[table] = cursor.fetchone()[0]
    return counts


@pytest.fixture
def new_database():
    """An empty database beside the test database, dropped afterwards whatever happened."""
    name = f"{connection.settings_dict['NAME']}_restored_{uuid.uuid4().hex[:8]}"
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
    try:
        yield name, database_url().rsplit("/", 1)[0] + "/" + name
    finally:
        with connection.cursor() as cursor:
            cursor.execute(f"DROP DATABASE IF EXISTS {connection.ops.quote_name(name)} WITH (FORCE)")


@pytest.fixture
def installation(tmp_path):
    """Rows in the test database and files in both upload folders, as a running Inspira has them."""
    media, private = tmp_path / "media", tmp_path / "private"
    school = SchoolFactory(name="Katarina Södra skola")
    for _ in range(3):
        MembershipFactory(school=school, user=UserFactory())
    admin = UserFactory(email="admin@example.se", name="Anna Administratör")
    audit_record(actor=admin, action="school.create", obj=school, summary="Katarina Södra skola lades till")
    OutboxItem.objects.create(kind="email", key="welcome:1", payload={"to": ["a@example.se"], "subject": "Hej"})
    film = media / "catalogue" / "films" / f"{uuid.uuid4().hex}.mp4"
    letter = private / "certification" / "letters" / "beslut-INSP-0001.pdf"
    for path, content in ((film, os.urandom(200_000)), (media / "catalogue" / "thumbnails" / "a-480.jpg", b"jpeg"),
                          (letter, "%PDF-1.7 beslut om inspirationsplats för Katarina Södra skola".encode())):
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(content)
    env = production_env(url=database_url(), media=media, private=private)
    return {"media": media, "private": private, "env": env, "letter": letter}


def test_a_backup_restores_into_a_new_database_with_every_row_and_file(installation, new_database, tmp_path):
    backups = tmp_path / "backups"
    made = run("backup", str(backups), env=installation["env"])
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    assert folder.parent == backups and folder.name.startswith("inspira-")
    assert sorted(p.name for p in folder.iterdir()) == [
        "MANIFEST", "SHA256SUMS", "database.dump", "media.tar", "private.tar"]
    manifest = (folder / "MANIFEST").read_text()
    assert f"database: {connection.settings_dict['NAME']}" in manifest
    assert "media: " in manifest and "(2 files)" in manifest and "(1 files)" in manifest
    assert oct(folder.stat().st_mode & 0o777) == "0o700"  # personal data: for the operator's eyes only

    name, url = new_database
    restored_media, restored_private = tmp_path / "restored" / "media", tmp_path / "restored" / "private"
    done = run("restore", str(folder),
               env=production_env(url=url, media=restored_media, private=restored_private))
    assert done.returncode == 0, done.stdout + done.stderr

    with connection.cursor() as cursor:
        expected = table_counts(cursor)
        cursor.execute(TRIGGERS)
        expected_triggers = cursor.fetchall()
    with psycopg.connect(url) as restored, restored.cursor() as cursor:
        assert table_counts(cursor) == expected
        cursor.execute("SELECT email, password FROM accounts_user ORDER BY email")
        assert cursor.fetchall() == list(
            apps.get_model("accounts", "User").objects.order_by("email").values_list("email", "password"))
        # The sequences come back too: the next person does not collide with a restored one.
        cursor.execute("SELECT nextval(pg_get_serial_sequence('accounts_user', 'id')), max(id) FROM accounts_user")
        next_id, max_id = cursor.fetchone()
        assert next_id > max_id
        cursor.execute(TRIGGERS)  # e.g. the audit trail's append-only guard
        assert cursor.fetchall() == expected_triggers
    assert expected["accounts_user"] == 4 and expected["core_auditevent"] >= 1

    assert files(restored_media) == files(installation["media"])
    assert files(restored_private) == files(installation["private"])
    letter = installation["letter"].relative_to(installation["private"])
    assert (restored_private / letter).read_bytes() == installation["letter"].read_bytes()


def test_restore_refuses_a_damaged_backup_and_a_database_in_use(installation, new_database, tmp_path):
    made = run("backup", str(tmp_path / "backups"), env=installation["env"])
    assert made.returncode == 0, made.stderr
    folder = Path(made.stdout.strip().splitlines()[-1])
    elsewhere = {"media": tmp_path / "elsewhere" / "media", "private": tmp_path / "elsewhere" / "private"}

    # Into the live database (the test database, with its rows): refused, nothing written.
    into_live = run("restore", str(folder), env=production_env(url=database_url(), **elsewhere))
    assert into_live.returncode != 0
    assert "the database is not empty" in into_live.stderr
    assert not elsewhere["media"].exists()

    # Into the live upload folders: refused too, though the database is empty.
    _name, url = new_database
    into_live_files = run("restore", str(folder),
                          env=production_env(url=url, media=installation["media"], private=installation["private"]))
    assert into_live_files.returncode != 0
    assert "is not empty" in into_live_files.stderr

    # One changed byte in an archive: refused before anything is touched.
    with (folder / "private.tar").open("r+b") as archive:
        archive.seek(600)
        byte = archive.read(1)
        archive.seek(600)
        archive.write(bytes([byte[0] ^ 0xFF]))
    damaged = run("restore", str(folder), env=production_env(url=url, **elsewhere))
    assert damaged.returncode != 0
    assert "damaged" in damaged.stderr
    with psycopg.connect(url) as restored, restored.cursor() as cursor:
        cursor.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'")
        assert cursor.fetchone()[0] == 0
