"""The federation's aggregate: checked before it is kept, fetched over HTTP (a server on this machine), and the
last good copy kept when a fetch fails."""

import threading
from datetime import timedelta
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone
from django_q.models import Schedule
from lxml import etree

from inspira.core.models import AuditEvent
from inspira.federation import metadata
from inspira.federation.tasks import refresh_metadata
from tests.federation.inprocess import staff_ava


@pytest.fixture
def served():
    """A metadata server on 127.0.0.1: ``served.body`` is what it answers (None: 404)."""

    class Handler(BaseHTTPRequestHandler):
        def do_GET(self):  # noqa: N802
            if server.body is None:
                self.send_error(404)
                return
            self.send_response(200)
            self.send_header("Content-Type", "application/samlmetadata+xml")
            self.end_headers()
            self.wfile.write(server.body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.body = None
    server.url = f"http://127.0.0.1:{server.server_address[1]}/metadata.xml"
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


def _cache(settings) -> Path:
    return Path(settings.INSPIRA_SAML_METADATA_CACHE)


# --- Checking ------------------------------------------------------------------------------------------------

def test_a_signed_current_aggregate_passes(federation, saml_keys):
    until = metadata.verify(federation.aggregate(), cert_file=saml_keys.federation[1])
    assert timezone.now() + timedelta(hours=47) < until <= timezone.now() + timedelta(hours=48, minutes=1)


def test_an_aggregate_signed_by_someone_else_is_refused(federation, saml_keys):
    with pytest.raises(metadata.MetadataError, match="does not verify"):
        metadata.verify(federation.aggregate(signer=saml_keys.impostor), cert_file=saml_keys.federation[1])


def test_a_changed_aggregate_is_refused(federation, saml_keys):
    xml = federation.aggregate().replace(b"Testkommunen", b"Evil kommun")
    with pytest.raises(metadata.MetadataError, match="does not verify"):
        metadata.verify(xml, cert_file=saml_keys.federation[1])


def test_an_expired_aggregate_is_refused(federation, saml_keys):
    xml = federation.aggregate(valid_hours=1)
    with pytest.raises(metadata.MetadataError, match="expired"):
        metadata.verify(xml, cert_file=saml_keys.federation[1], now=timezone.now() + timedelta(hours=2))


def test_a_signed_aggregate_wrapped_in_an_unsigned_one_is_refused(federation, saml_keys):
    signed = etree.fromstring(federation.aggregate())
    wrapper = etree.Element(f"{{{metadata.MD}}}EntitiesDescriptor", validUntil=signed.get("validUntil"))
    wrapper.append(signed)
    with pytest.raises(metadata.MetadataError, match="not signed as a whole"):
        metadata.verify(etree.tostring(wrapper), cert_file=saml_keys.federation[1])


def test_an_unsigned_aggregate_is_refused(federation, saml_keys):
    root = etree.fromstring(federation.aggregate())
    for signature in root.findall(f"{{{metadata.DS}}}Signature"):
        root.remove(signature)
    with pytest.raises(metadata.MetadataError, match="not signed"):
        metadata.verify(etree.tostring(root), cert_file=saml_keys.federation[1])


def test_what_is_not_xml_is_refused(saml_keys):
    with pytest.raises(metadata.MetadataError, match="not well-formed"):
        metadata.verify(b"<html>Service unavailable", cert_file=saml_keys.federation[1])


# --- Fetching, and keeping the last good copy ----------------------------------------------------------------------

def test_a_good_fetch_replaces_the_cached_copy(db, federation, served, saml_settings):
    served.body = federation.aggregate(include_other=False)
    assert refresh_metadata(url=served.url)
    assert _cache(saml_settings).read_bytes() == served.body
    assert list(metadata.identity_providers()) == [federation.idp_id]
    assert not AuditEvent.objects.exists()


@pytest.mark.parametrize("failure", ["404", "dead", "impostor", "expired", "garbage"])
def test_a_failed_fetch_keeps_the_last_good_copy_and_is_audited(db, federation, served, saml_settings, saml_keys,
                                                                 failure):
    before = _cache(saml_settings).read_bytes()
    url = served.url
    if failure == "dead":
        served.shutdown()
        served.server_close()
    else:
        served.body = {"404": None, "impostor": federation.aggregate(signer=saml_keys.impostor),
                       "expired": federation.aggregate(valid_hours=1), "garbage": b"<oops"}[failure]
    now = timezone.now() + timedelta(hours=2) if failure == "expired" else None

    assert not refresh_metadata(url=url, now=now)
    assert _cache(saml_settings).read_bytes() == before
    assert set(metadata.identity_providers()) == {federation.idp_id, federation.other_id}
    event = AuditEvent.objects.get(action="federation.metadata_refresh_failed")
    assert event.actor is None and event.data["url"] == url


def test_people_still_sign_in_with_the_last_good_copy_after_a_failed_fetch(db, client, federation, served,
                                                                         saml_login):
    served.body = None
    assert not refresh_metadata(url=served.url)
    response, _answer = saml_login(staff_ava())
    assert response.status_code == 302 and "_auth_user_id" in client.session


def test_the_command_says_when_it_kept_the_old_copy(db, federation, served):
    served.body = None
    with pytest.raises(CommandError, match="last good copy stays"):
        call_command("refresh_federation_metadata", url=served.url)
    served.body = federation.aggregate()
    call_command("refresh_federation_metadata", url=served.url)


def test_nothing_is_fetched_while_sign_in_through_the_federation_is_off(db, settings, served):
    settings.INSPIRA_SAML_ENABLED = False
    assert not refresh_metadata(url=served.url) and not AuditEvent.objects.exists()


def test_the_refresh_is_scheduled(db):
    schedule = Schedule.objects.get(name="federation-metadata-refresh")
    assert schedule.func == "inspira.federation.tasks.refresh_metadata" and schedule.repeats == -1


# --- Reading the cached copy -----------------------------------------------------------------------------------------

def test_the_providers_are_named_by_their_display_name_with_their_scopes(federation):
    providers = metadata.identity_providers()
    assert providers[federation.idp_id].name == "Testkommunen"
    assert providers[federation.other_id].name == "Ålstads skolor"
    assert providers[federation.idp_id].scopes == (("kommun.example", False),)


def test_no_cached_copy_means_no_providers(saml_settings):
    assert metadata.identity_providers() == {}
