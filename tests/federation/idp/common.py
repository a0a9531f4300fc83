"""What the test identity provider (server.py) and the federation operator (federation.py) share: test
keys made at start-up, a threaded WSGI server on 127.0.0.1 that tells its parent where it listens, and
fetching a document over HTTP while keeping the last good copy.

Both run as processes of their own (``python -m tests.federation.idp.server --dir DIR``), as a real
identity provider and a real federation are other machines: nothing here is imported by Inspira.
"""

import datetime
import json
import os
import signal
import sys
import urllib.request
from pathlib import Path
from socketserver import ThreadingMixIn
from wsgiref.simple_server import WSGIRequestHandler, WSGIServer, make_server

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from cryptography.x509.oid import NameOID

XMLSEC1 = "/usr/bin/xmlsec1"  # Debian's package xmlsec1, as in production
READY_FILE = "ready.json"
FETCH_TIMEOUT = 10  # seconds; generous for a busy machine, short enough to fail a test clearly


def make_test_keys(directory: Path, name: str, common_name: str) -> tuple[Path, Path]:
    """An RSA key and a self-signed certificate for ``common_name``, written as ``<name>-key.pem`` and
    ``<name>-cert.pem``. Made at every start, never committed: these are test keys of a test run.

    The certificate is valid from a day ago, so a response made with the clock an hour back (the
    "expired" mode) is still signed by a certificate that was valid then."""
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, common_name)])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder()
        .subject_name(subject).issuer_name(subject).public_key(key.public_key())
        .serial_number(x509.random_serial_number())
        .not_valid_before(now - datetime.timedelta(days=1)).not_valid_after(now + datetime.timedelta(days=30))
        .sign(key, hashes.SHA256())
    )
    key_path, cert_path = directory / f"{name}-key.pem", directory / f"{name}-cert.pem"
    key_path.write_bytes(key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()))
    key_path.chmod(0o600)
    cert_path.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    return key_path, cert_path


class _ThreadingWSGIServer(ThreadingMixIn, WSGIServer):
    # Each request in a thread of its own: the identity provider asks the federation for its metadata
    # while the federation may be asking the identity provider for its own.
    daemon_threads = True


class _QuietHandler(WSGIRequestHandler):
    def log_message(self, format, *args):
        sys.stderr.write(f"{self.command} {self.path.split('?', 1)[0]} -> {args[1] if len(args) > 1 else ''}\n")


def bind() -> _ThreadingWSGIServer:
    """A server on a free port of 127.0.0.1, chosen by the kernel when it binds: no race with another
    process taking the port between choosing and binding."""
    return make_server("127.0.0.1", 0, None, server_class=_ThreadingWSGIServer, handler_class=_QuietHandler)


def serve(server: _ThreadingWSGIServer, app, directory: Path, ready: dict) -> None:
    """Serve ``app`` until SIGTERM or SIGINT, after writing ``ready`` (with the port) to ``ready.json``.

    The file is written whole and renamed into place, so the parent never reads half of it."""
    server.set_app(app)

    def stop(signum, frame):
        raise SystemExit(0)

    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    partial = directory / (READY_FILE + ".part")
    partial.write_text(json.dumps({**ready, "port": server.server_port, "pid": os.getpid()}))
    partial.replace(directory / READY_FILE)
    try:
        server.serve_forever(poll_interval=0.2)
    finally:
        server.server_close()


def read_body(environ) -> bytes:
    length = int(environ.get("CONTENT_LENGTH") or 0)
    return environ["wsgi.input"].read(length) if length else b""


class LastGoodCopy:
    """Documents fetched by URL, each keeping the last copy that was fetched (and accepted) when a
    later fetch fails, as a federation member does with the federation's metadata."""

    def __init__(self):
        self.copies: dict[str, bytes] = {}
        self.failures: dict[str, str] = {}

    def get(self, url: str, accept=lambda body: None) -> bytes | None:
        """The document at ``url`` if it answers 200 and ``accept(body)`` raises nothing; else the last
        good copy (or None). ``failures[url]`` says why the last fetch was not used."""
        try:
            with urllib.request.urlopen(url, timeout=FETCH_TIMEOUT) as response:  # noqa: S310 (test URLs)
                body = response.read()
            accept(body)
        except Exception as error:  # any failure: keep the last good copy
            self.failures[url] = f"{type(error).__name__}: {error}"
            sys.stderr.write(f"fetching {url} failed ({self.failures[url]}); using the last good copy\n")
            return self.copies.get(url)
        self.failures.pop(url, None)
        self.copies[url] = body
        return body


class Controlled:
    """``/_control`` of a test server: ``GET`` its state, ``POST /_control/reset`` back to the start,
    ``POST`` a JSON change, which the class applies in ``apply`` (ValueError: 400; OSError: 502)."""

    MODES: tuple[str, ...] = ()

    def status(self) -> dict:
        raise NotImplementedError

    def reset(self) -> None:
        raise NotImplementedError

    def apply(self, change: dict) -> None:
        raise NotImplementedError

    def control(self, environ, start_response):
        if environ["REQUEST_METHOD"] == "POST" and environ["PATH_INFO"] == "/_control/reset":
            self.reset()
        elif environ["REQUEST_METHOD"] == "POST":
            try:
                change = json.loads(read_body(environ) or b"{}")
                if "mode" in change and change["mode"] not in self.MODES:
                    raise ValueError(f"mode must be one of {self.MODES}")
                self.apply(change)
            except ValueError as error:
                return text_reply(start_response, f"{error}\n", "400 Bad Request")
            except OSError as error:
                return text_reply(start_response, f"Could not fetch: {error}\n", "502 Bad Gateway")
        return json_reply(start_response, self.status())


def json_reply(start_response, data, status="200 OK"):
    body = json.dumps(data).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(body)))])
    return [body]


def text_reply(start_response, text: str, status: str, content_type="text/plain; charset=utf-8"):
    body = text.encode()
    start_response(status, [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]
