"""The decision letter: rendered as PDF by an outbox job, once, and emailed once to each recipient."""

import io
from datetime import date

import pytest
from django.core import mail
from pypdf import PdfReader

from inspira.certification import casework_services, letters
from inspira.certification.models import Application, DecisionLetter
from inspira.core.models import OutboxItem
from inspira.core.outbox import outbox_process

from .casework import approve, fee_rule, reject, run_all_outbox, sent_to_director
from .conftest import at

S = Application.Status


def pdf_text(content: bytes) -> str:
    text = "\n".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    return " ".join(text.replace("\u00a0", " ").split())


@pytest.fixture
def approval(application, administrator, director):
    fee_rule(2025, support_ore=1_000_000)
    sent_to_director(application, administrator)
    return approve(application, director, start=date(2026, 8, 1))


def test_the_letter_job_is_idempotent(approval, staff):
    run_all_outbox()
    run_all_outbox()  # a retried job, a duplicate delivery
    assert DecisionLetter.objects.filter(decision=approval).count() == 1
    letter_mails = [m for m in mail.outbox if approval.reference in m.subject]
    assert sorted(m.to[0] for m in letter_mails) == sorted([staff.email, "rektor@example.se"])
    assert all(len(m.to) == 1 for m in letter_mails)


def test_a_retried_job_sends_no_second_email(approval):
    job = OutboxItem.objects.get(key=f"decision-letter:{approval.pk}")
    letters.decision_letter_send(job)
    letters.decision_letter_send(job)  # the handler itself run again, e.g. after a crash
    assert DecisionLetter.objects.count() == 1
    assert OutboxItem.objects.filter(key__startswith=f"decision-letter-email:{approval.pk}:").count() == 2


def test_an_existing_letter_is_reused_not_rendered_again(approval, monkeypatch):
    first = letters.decision_letter_ensure(approval)

    def refuse(*args, **kwargs):
        raise AssertionError("rendered twice")

    monkeypatch.setattr("inspira.core.pdf.render_pdf", refuse)
    job = OutboxItem.objects.get(key=f"decision-letter:{approval.pk}")
    assert outbox_process(job.pk)
    assert DecisionLetter.objects.get() == first


def test_the_email_has_the_pdf_attached_and_plain_and_html_parts(approval, staff):
    run_all_outbox()
    message = next(m for m in mail.outbox if m.to == [staff.email] and approval.reference in m.subject)
    (filename, content, mimetype), = message.attachments
    assert (filename, mimetype) == (f"{approval.reference}.pdf", "application/pdf")
    assert content.startswith(b"%PDF-")
    assert message.alternatives and message.alternatives[0][1] == "text/html"
    assert "/ansokan/" in message.body
    assert "inspirationsplats@stockholm.se" in message.body  # the footer with the programme's address


def test_the_pdf_says_reference_amount_period_and_director(approval, director):
    letter = letters.decision_letter_ensure(approval)
    with letter.pdf.open("rb") as f:
        text = pdf_text(f.read())
    assert approval.reference in text
    assert "10 000 kr" in text
    assert "1 augusti 2026" in text and "31 juli 2028" in text  # Swedish dates: the letter is in Swedish
    assert director.name in text
    assert "Vasaskolan" in text
    assert "Stockholms stad" in text
    assert "inspirationsplats@stockholm.se" in text


def test_a_rejection_letter_gives_the_reasons(application, administrator, director):
    sent_to_director(application, administrator, recommendation="reject")
    decision = reject(application, director, reasons="The plan lacks a discussion with the visitors.")
    letter = letters.decision_letter_ensure(decision)
    with letter.pdf.open("rb") as f:
        text = pdf_text(f.read())
    assert decision.reference in text
    assert "The plan lacks a discussion with the visitors." in text
    assert "kr" not in text.replace("Stockholms", "")


def test_a_correcting_letter_names_the_decision_it_corrects(approval, application, director):
    correction = casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                                    reasons="Approved by mistake.", now=at(2026, 3, 12))
    run_all_outbox()
    letter = DecisionLetter.objects.get(decision=correction)
    with letter.pdf.open("rb") as f:
        text = pdf_text(f.read())
    assert correction.reference in text and approval.reference in text
    corrected_mails = [m for m in mail.outbox if correction.reference in m.subject]
    assert len(corrected_mails) == 2
    assert approval.reference in corrected_mails[0].body


def test_the_same_person_as_applicant_and_principal_gets_one_email(school, administrator, director):
    from inspira.accounts.models import Membership
    from tests.factories import MembershipFactory, UserFactory

    from .conftest import make_application

    principal = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL,
                                  user=UserFactory(email="rektor@example.se")).user
    application = make_application(school=school, applicant=principal, principal=principal)
    fee_rule()
    sent_to_director(application, administrator)
    decision = approve(application, director)
    run_all_outbox()
    assert [m.to for m in mail.outbox if decision.reference in m.subject] == [["rektor@example.se"]]


def test_the_letter_is_stored_privately(approval, settings):
    letter = letters.decision_letter_ensure(approval)
    path = letter.pdf.path
    assert not path.startswith(str(settings.MEDIA_ROOT))
    with pytest.raises(ValueError):
        letter.pdf.url  # noqa: B018 - no public address exists
