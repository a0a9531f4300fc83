"""The fuzz itself: find a case's form, fill it in, send it and judge the answer."""

import re
from dataclasses import dataclass

import lxml.html
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import transaction
from django.test import Client
from django.test.client import ClientMixin
from django.urls import reverse
from hypothesis import strategies as st

from tests.fuzz import snapshot
from tests.fuzz.cases import REDIRECT, RERENDER, Case
from tests.fuzz.html_forms import FormField, HtmlForm, forms_sending_to
from tests.fuzz.values import (
    SAFE_CHARACTERS,
    edges_for,
    generic_text,
    good_file,
    nasty_files,
    nasty_for,
    plausible,
    unusual_files,
    validish_for,
)
from tests.permission_fixtures import World
from tests.permission_table import TABLE

Data = dict[str, list[str] | SimpleUploadedFile]


@dataclass
class Target:
    case: Case
    url: str
    user: object
    form: HtmlForm
    client: Client
    world: World
    session_key: str = ""
    last_response: object = None

    @classmethod
    def prepare(cls, case: Case, world: World) -> "Target":
        kwargs = (case.kwargs or TABLE[case.name].kwargs)(world) or None
        url = reverse(case.name, kwargs=kwargs)
        page_kwargs = case.page_kwargs(world) if case.page_kwargs else kwargs
        page_url = reverse(case.page or case.name, kwargs=page_kwargs or None)
        if case.page_query:
            page_url += "?" + case.page_query
        target = cls(case, url, world.users[case.role], None, Client(), world)
        target.log_in()
        response = target.client.get(page_url, follow=case.follow)
        assert response.status_code == 200, f"{page_url} answered {response.status_code} to {case.role}"
        if case.follow and response.redirect_chain:
            target.url = page_url = response.redirect_chain[-1][0]
        target.form = target._find_form(response.content, page_url.split("?")[0])
        if case.second_step:
            with transaction.atomic():
                response = target.send(target.baseline())
                transaction.set_rollback(True)
            target.form = target._find_form(response.content, target.url)
        return target

    def _find_form(self, html, page_path) -> HtmlForm:
        # A download that takes a list's filters: the list's own search form names them.
        action = page_path if self.case.method == "get" and self.case.page else self.url
        forms = forms_sending_to(html, page_path, action, self.case.method)
        if self.case.pick:
            forms = [f for f in forms if self.case.pick(f.baseline())]
        assert forms, f"No form on {page_path} posts to {self.url} ({self.case.id} as {self.case.role})"
        assert len(forms) == 1 or self.case.pick is None, f"{len(forms)} forms post to {self.url}; pick one"
        return forms[0]

    # --- What is sent ---

    def baseline(self) -> Data:
        """The form as a careful person sends it: what the page holds, and plausible values in the gaps."""
        data: Data = {}
        sent = self.form.baseline()
        values = self.case.values(self.world) if callable(self.case.values) else self.case.values
        for f in self.form.fields.values():
            if f.name in values:
                chosen = values[f.name]
                chosen = chosen(f) if callable(chosen) else chosen
                data[f.name] = [chosen] if isinstance(chosen, str) else list(chosen)
            elif f.is_file:
                if f.required and (upload := good_file(f)) is not None:
                    data[f.name] = upload
            elif f.kind == "submit":
                if f.name in sent:
                    data[f.name] = sent[f.name]
            elif f.required or f.kind in {"hidden", "radio", "select"}:
                data[f.name] = plausible(f)
            else:
                data[f.name] = list(f.values)
        return {name: value for name, value in data.items() if value != []}

    def log_in(self):
        """Log in, unless still logged in: outside the examples' savepoints, so the session outlives them."""
        if self.user is None:
            return
        cookie = self.client.cookies.get(settings.SESSION_COOKIE_NAME)
        if cookie is None or cookie.value != self.session_key:
            if self.case.verified:
                self.client.force_login(self.user)
            else:  # the password step only: tests/conftest.py makes force_login pass the second step too
                ClientMixin.force_login(self.client, self.user)
            self.session_key = self.client.cookies[settings.SESSION_COOKIE_NAME].value

    def send(self, data: Data):
        self.log_in()
        return self._request(data)

    def _request(self, data: Data):
        if self.case.method == "get":
            return self.client.get(self.url, data)
        return self.client.post(self.url, self._with_token(data))

    def _with_token(self, data: Data) -> Data:
        # The same file objects are sent by several examples; the test client reads them from where they are.
        for value in data.values():
            for upload in value if isinstance(value, list) else [value]:
                if isinstance(upload, SimpleUploadedFile):
                    upload.seek(0)
        # A browser always sends the CSRF token, so a form of one unticked checkbox is not an empty
        # POST. (The test client does not check the token.)
        return {"csrfmiddlewaretoken": self.form.csrf_token, **data} if self.form.csrf_token else data

    # --- Judging ---

    def check(self, data: Data) -> str:
        """Send ``data`` in a savepoint that is rolled back; fail on a server error, on a change
        made by a request that was not accepted, or on a saved row the model would refuse.
        Returns REDIRECT or RERENDER."""
        self.log_in()  # a previous example may have rotated or ended the session
        with transaction.atomic():
            before = snapshot.take()
            try:
                response = self._request(data)
            except Exception as exc:  # the test client re-raises what the view raised: a 500
                raise AssertionError(f"{self.case.id}: server error {type(exc).__name__}: {exc}") from exc
            assert response.status_code < 500, f"{self.case.id}: answered {response.status_code}"
            try:
                changes = snapshot.diff(before, snapshot.take())
            except Exception as exc:  # e.g. PostgreSQL: "current transaction is aborted"
                raise AssertionError(f"{self.case.id}: the request left the database transaction broken: "
                                     f"{type(exc).__name__}: {exc}") from exc
            # A search (GET) changes nothing, whatever it answers.
            accepted = self.case.method == "post" and (300 <= response.status_code < 400 or is_download(response))
            if not accepted:
                changes = [c for c in changes if c.label not in self.case.refusal_may_change]
                assert not changes, (
                    f"{self.case.id}: answered {response.status_code} (not accepted) but changed the database:\n  "
                    + "\n  ".join(c.describe() for c in changes))
            else:
                problems = snapshot.invalid_rows(changes)
                assert not problems, f"{self.case.id}: saved rows the models refuse:\n  " + "\n  ".join(problems)
            transaction.set_rollback(True)
        self.last_response = response
        return REDIRECT if accepted else RERENDER

    def shown_errors(self) -> str:
        """The error texts the last answer showed (for a message when the baseline is refused)."""
        response = self.last_response
        if response is None or not response.get("Content-Type", "").startswith("text/html") or not response.content:
            return f"status {getattr(response, 'status_code', None)}"
        doc = lxml.html.fromstring(response.content)
        texts = [" ".join(e.text_content().split()) for e in doc.xpath(
            "//*[contains(@class, 'invalid-feedback') or contains(@class, 'alert') or contains(@class, 'errorlist')]")]
        return f"status {response.status_code}: " + " | ".join(t for t in texts if t)


def edge_requests(form: HtmlForm, baseline: Data) -> list[Data]:
    """The baseline with one field at a time set to one of its kind's sharpest edges. The rows of a
    formset are alike: only the first row's fields are tried."""
    requests, seen = [], set()
    for f in form.fields.values():
        shape = re.sub(r"-\d+-", "-N-", f.name)
        if shape in seen:
            continue
        seen.add(shape)
        for edge in edges_for(f):
            requests.append({**baseline, f.name: edge if isinstance(edge, SimpleUploadedFile) else [edge]})
    return requests


def is_download(response) -> bool:
    """A file the browser saves (e.g. a person's data export): an answer that the request was accepted."""
    return response.status_code == 200 and response.get("Content-Disposition", "").startswith("attachment")


# --- What hypothesis draws ------------------------------------------------------------------------------------

KEEP, NASTY, UNUSUAL, DROP, SEVERAL = "keep", "nasty", "unusual", "drop", "several"


def _nasty_value(draw, f: FormField):
    if f.is_file:
        return draw(nasty_files())
    if f.multiple:
        return draw(st.lists(st.one_of(st.sampled_from(f.options), nasty_for(f)) if f.options else nasty_for(f),
                             max_size=4))
    return [draw(nasty_for(f))]


@st.composite
def requests(draw, form: HtmlForm, baseline: Data):
    """A request made from ``baseline``: a few fields (or many) made nasty, dropped or sent twice, and
    sometimes fields the form does not have."""
    names = list(form.fields)
    if names and draw(st.booleans()):
        chosen = set(draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True)))
    else:
        chosen = {name for name in names if draw(st.booleans())}
    data: Data = {}
    for name in names:
        f, base = form.fields[name], baseline.get(name)
        action = draw(st.sampled_from([UNUSUAL, NASTY, UNUSUAL, NASTY, DROP, SEVERAL])) if name in chosen else KEEP
        if action == KEEP:
            value = base
        elif action == DROP:
            value = None
        elif action == NASTY:
            value = _nasty_value(draw, f)
        elif action == UNUSUAL:
            value = draw(unusual_files()) if f.is_file else (
                draw(st.lists(validish_for(f), max_size=3, unique=True)) if f.multiple else [draw(validish_for(f))])
        else:  # several values for one field
            first = base if isinstance(base, list) and base else [""]
            value = first + [draw(nasty_for(f))] if not f.is_file else [base or draw(nasty_files()),
                                                                         draw(nasty_files())]
        if value is not None and value != []:
            data[name] = value
    extra = draw(st.dictionaries(st.text(SAFE_CHARACTERS, min_size=1, max_size=12).filter(lambda k: k not in names),
                                 generic_text, max_size=2))
    data.update({key: [value] for key, value in extra.items()})
    return data
