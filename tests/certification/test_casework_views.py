"""The casework and decision pages: who may do what, the wiring to the services, errors next to
their fields, attachments checked by content and served only through a checked view."""

from datetime import date

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspira.certification import letters
from inspira.certification.models import (
    Application,
    BasisAttachment,
    BasisDocument,
    Certification,
    ContactLogEntry,
    Decision,
)
from inspira.core.uploads import MAX_ATTACHMENT_SIZE
from inspira.schools.models import SchoolForm
from tests.factories import SchoolFactory

from .casework import (
    approve,
    endorsed,
    fee_rule,
    in_preparation,
    office_bytes,
    pdf_bytes,
    reject,
    sent_to_director,
    zip_bytes,
)
from .conftest import image_bytes, make_application

S = Application.Status


def url(name, *args):
    return reverse(f"certification:{name}", args=args)


def upload(name="plan.pdf", content=None, content_type="application/pdf"):
    return SimpleUploadedFile(name, pdf_bytes() if content is None else content, content_type=content_type)


@pytest.fixture
def today_rule():
    """The fee rule of today's school year (the views decide today)."""
    today = timezone.localdate()
    return fee_rule(today.year if today.month >= 7 else today.year - 1)


# --- The queue --------------------------------------------------------------------------------------

def test_queue_lists_applications_with_the_administration(client_for, administrator, school, staff, en):
    draft = make_application(school=school, applicant=staff, area_title="Still a draft")
    waiting = endorsed(make_application(school=school, applicant=staff, area_title="Outdoor maths"))
    response = client_for(administrator).get(url("queue"))
    assert response.status_code == 200
    assert url("case", waiting.pk) in response.content.decode()
    assert url("case", draft.pk) not in response.content.decode()


def test_queue_filters(client_for, administrator, school, other_school, staff, other_staff):
    here = endorsed(make_application(school=school, applicant=staff))
    there = endorsed(make_application(school=other_school, applicant=other_staff))
    there.school_forms.set(SchoolForm.objects.filter(code=SchoolForm.Code.PRESCHOOL))
    client = client_for(administrator)

    def listed(**params):
        page = client.get(url("queue"), params).content.decode()
        return {a for a in (here, there) if url("case", a.pk) in page}

    assert listed() == {here, there}
    assert listed(district=other_school.district_id) == {there}
    assert listed(school_form=SchoolForm.Code.PRESCHOOL) == {there}
    assert listed(status=S.IN_PREPARATION) == set()
    assert listed(status="nonsense") == {here, there}  # an old bookmark is ignored, not an error


def test_queue_empty_state(client_for, administrator, en):
    response = client_for(administrator).get(url("queue"))
    assert b"empty-state" in response.content


def test_queue_paginates_by_25(client_for, administrator, school, staff):
    for _ in range(26):
        application = make_application(school=school, applicant=staff)
        Application.objects.filter(pk=application.pk).update(status=S.SUBMITTED, endorsed_at=timezone.now())
    client = client_for(administrator)
    assert len(client.get(url("queue")).context["page_obj"].object_list) == 25
    assert len(client.get(url("queue"), {"page": 2}).context["page_obj"].object_list) == 1


def test_queue_queries_do_not_grow(client_for, administrator, school, staff, django_assert_num_queries):
    client = client_for(administrator)

    def add(count):
        for _ in range(count):
            endorsed(make_application(school=SchoolFactory(), applicant=staff))

    add(1)
    client.get(url("queue"))  # warm up (session, caches)
    # session, user, two-factor device, count, page, school forms of the page, districts and school forms of
    # the filters
    with django_assert_num_queries(8):
        client.get(url("queue"))
    add(5)
    with django_assert_num_queries(8):
        response = client.get(url("queue"))
    assert len(response.context["page_obj"].object_list) == 6


def test_director_reads_the_queue_but_finance_does_not(client_for, director, finance, staff, application):
    endorsed(application)
    assert client_for(director).get(url("queue")).status_code == 200
    assert client_for(finance).get(url("queue")).status_code == 403
    assert client_for(staff).get(url("queue")).status_code == 403


# --- The case page and the administrator's actions ------------------------------------------------------------

def test_case_page_shows_application_trail_log_and_basis(client_for, administrator, application, en):
    in_preparation(application, administrator)
    ContactLogEntry.objects.create(application=application, date=date(2025, 9, 2), channel="phone",
                                   note="Agreed a meeting", created_by=administrator)
    response = client_for(administrator).get(url("case", application.pk))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Outdoor mathematics" in page  # the application's content
    assert "Agreed a meeting" in page  # the contact log
    assert "Basis document in preparation" in page  # the trail
    assert url("basis_edit", application.pk) in page
    assert url("contact_add", application.pk) in page
    assert url("attachment_add", application.pk) in page


def test_case_page_shows_who_endorsed_and_as_whom(client_for, administrator, application, principal):
    in_preparation(application, administrator)
    page = client_for(administrator).get(url("case", application.pk)).content.decode()
    assert "Rut Rektor (rektor@example.se), rektor vid skolan, den 3 juni 2025" in page


def test_the_director_sees_who_endorsed_before_deciding(client_for, administrator, director, application,
                                                      principal):
    sent_to_director(application, administrator)
    page = client_for(director).get(url("decide", application.pk)).content.decode()
    assert "Rut Rektor (rektor@example.se), rektor vid skolan, den 3 juni 2025" in page


def test_a_draft_has_no_case_page(client_for, administrator, application):
    assert client_for(administrator).get(url("case", application.pk)).status_code == 404


def test_director_sees_the_case_without_forms(client_for, administrator, director, application):
    in_preparation(application, administrator)
    page = client_for(director).get(url("case", application.pk)).content.decode()
    assert url("basis_edit", application.pk) not in page
    assert url("contact_add", application.pk) not in page
    assert url("attachment_add", application.pk) not in page


def test_administrator_starts_preparing(client_for, administrator, application):
    endorsed(application)
    response = client_for(administrator).post(url("case_start", application.pk))
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION


def test_director_cannot_start_preparing(client_for, director, application):
    endorsed(application)
    assert client_for(director).post(url("case_start", application.pk)).status_code == 403
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_contact_log_entry_is_added(client_for, administrator, application):
    endorsed(application)
    response = client_for(administrator).post(url("contact_add", application.pk), {
        "date": "2025-09-02", "channel": "meeting", "note": "Met the team."})
    assert response.status_code == 302
    assert ContactLogEntry.objects.get().note == "Met the team."


def test_contact_log_errors_show_next_to_the_fields(client_for, administrator, application, en):
    endorsed(application)
    response = client_for(administrator).post(url("contact_add", application.pk), {
        "date": "2999-01-01", "channel": "", "note": ""})
    assert response.status_code == 200
    form = response.context["contact_form"]
    assert set(form.errors) == {"date", "channel", "note"}
    assert "The date cannot be in the future." in response.content.decode()
    assert not ContactLogEntry.objects.exists()


def test_basis_is_saved(client_for, administrator, application):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("basis_edit", application.pk), {
        "summary": "Good site", "recommendation": "approve", "proposed_start_date": "2026-08-01", "save": ""})
    assert response.status_code == 302
    basis = BasisDocument.objects.get()
    assert (basis.summary, basis.recommendation, basis.proposed_start_date) == ("Good site", "approve",
                                                                               date(2026, 8, 1))
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION


def test_sending_without_a_recommendation_marks_the_field_and_saves_nothing(client_for, administrator,
                                                                            application, en):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("basis_edit", application.pk), {
        "summary": "Good site", "recommendation": "", "send": ""})
    assert response.status_code == 200
    assert "recommendation" in response.context["form"].errors
    assert BasisDocument.objects.get().summary == ""
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION


def test_sending_an_approval_needs_a_start_date(client_for, administrator, application, en):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("basis_edit", application.pk), {
        "summary": "Good site", "recommendation": "approve", "send": ""})
    assert list(response.context["form"].errors) == ["proposed_start_date"]


def test_save_and_send_to_the_director(client_for, administrator, application):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("basis_edit", application.pk), {
        "summary": "Good site", "recommendation": "approve", "proposed_start_date": "2026-08-01", "send": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.SENT_TO_DIRECTOR
    assert BasisDocument.objects.get().sent_to_director_by == administrator


def test_send_button_refuses_an_incomplete_basis(client_for, administrator, application):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("send_to_director", application.pk))
    assert response.url == url("basis_edit", application.pk)
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION


def test_basis_page_of_an_application_not_in_preparation_leads_back(client_for, administrator, application):
    sent_to_director(application, administrator)
    response = client_for(administrator).get(url("basis_edit", application.pk))
    assert response.url == url("case", application.pk)


def test_director_cannot_edit_the_basis(client_for, administrator, director, application):
    in_preparation(application, administrator)
    client = client_for(director)
    assert client.get(url("basis_edit", application.pk)).status_code == 403
    assert client.post(url("basis_edit", application.pk), {"summary": "x", "save": ""}).status_code == 403
    assert client.post(url("send_to_director", application.pk)).status_code == 403


# --- Attachments ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("name", "content", "content_type", "extension"), [
    ("plan.pdf", pdf_bytes(), "application/pdf", ".pdf"),
    ("notes.docx", office_bytes("docx"), "application/octet-stream", ".docx"),
    ("budget.xlsx", office_bytes("xlsx"), "application/octet-stream", ".xlsx"),
    ("photo.jpg", image_bytes("JPEG"), "image/jpeg", ".jpg"),
    ("chart.png", image_bytes("PNG"), "image/png", ".png"),
])
def test_allowed_types_are_attached_under_a_random_private_name(client_for, administrator, application, settings,
                                                                 name, content, content_type, extension):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("attachment_add", application.pk), {
        "title": "The plan", "file": upload(name, content, content_type)})
    assert response.status_code == 302
    attachment = BasisAttachment.objects.get()
    assert attachment.file.name.endswith(extension)
    assert name.rsplit(".", 1)[0] not in attachment.file.name  # the uploaded name is not kept
    assert not attachment.file.path.startswith(str(settings.MEDIA_ROOT))
    assert attachment.size == len(content)
    with pytest.raises(ValueError):
        attachment.file.url  # noqa: B018 - no public address


@pytest.mark.parametrize(("name", "content"), [
    ("plan.pdf", b"MZ\x90\x00 this is a Windows program"),  # the name says PDF, the content does not
    ("notes.docx", zip_bytes()),  # a ZIP, but no Office document
    ("page.pdf", b"<html><script>alert(1)</script></html>"),
    ("empty.pdf", b""),
])
def test_other_content_is_refused_next_to_the_field(client_for, administrator, application, name, content, en):
    in_preparation(application, administrator)
    response = client_for(administrator).post(url("attachment_add", application.pk), {
        "title": "The plan", "file": upload(name, content)})
    assert response.status_code == 200
    assert "file" in response.context["attachment_form"].errors
    assert not BasisAttachment.objects.exists()


def test_a_file_over_10_mb_is_refused(client_for, administrator, application, en):
    in_preparation(application, administrator)
    big = pdf_bytes() + b"0" * (MAX_ATTACHMENT_SIZE + 1 - len(pdf_bytes()))
    response = client_for(administrator).post(url("attachment_add", application.pk), {
        "title": "Big", "file": upload("big.pdf", big)})
    assert response.status_code == 200
    assert "at most 10 MB" in str(response.context["attachment_form"].errors["file"])
    assert not BasisAttachment.objects.exists()


def test_a_file_of_exactly_10_mb_is_accepted(client_for, administrator, application):
    in_preparation(application, administrator)
    content = pdf_bytes() + b"0" * (MAX_ATTACHMENT_SIZE - len(pdf_bytes()))
    client_for(administrator).post(url("attachment_add", application.pk), {
        "title": "Exactly", "file": upload("exact.pdf", content)})
    assert BasisAttachment.objects.get().size == MAX_ATTACHMENT_SIZE


@pytest.fixture
def attachment(client_for, administrator, application):
    in_preparation(application, administrator)
    client_for(administrator).post(url("attachment_add", application.pk), {
        "title": "Plan för besöket", "file": upload()})
    return BasisAttachment.objects.get()


def test_administrator_and_director_download_an_attachment(client_for, administrator, director, application,
                                                           attachment):
    for person in (administrator, director):
        response = client_for(person).get(url("attachment_download", application.pk, attachment.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content) == pdf_bytes()
        assert response["Content-Type"] == "application/pdf"
        assert response["Content-Disposition"].startswith("attachment;")
        assert "plan-for-besoket.pdf" in response["Content-Disposition"]


def test_no_one_else_downloads_an_attachment(client, client_for, finance, staff, principal, application,
                                            attachment):
    address = url("attachment_download", application.pk, attachment.pk)
    for person in (finance, staff, principal):
        assert client_for(person).get(address).status_code == 403
    client.logout()
    response = client.get(address)
    assert response.status_code == 302 and response.url.startswith(reverse("accounts:login"))


def test_an_attachment_is_reached_only_through_its_application(client_for, administrator, attachment, school,
                                                               staff):
    other = endorsed(make_application(school=school, applicant=staff))
    assert client_for(administrator).get(url("attachment_download", other.pk, attachment.pk)).status_code == 404


def test_an_attachment_can_be_removed_while_preparing(client_for, administrator, application, attachment,
                                                      django_capture_on_commit_callbacks):
    storage, name = attachment.file.storage, attachment.file.name
    with django_capture_on_commit_callbacks(execute=True):
        response = client_for(administrator).post(url("attachment_delete", application.pk, attachment.pk))
    assert response.status_code == 302
    assert not BasisAttachment.objects.exists()
    assert not storage.exists(name)


def test_director_cannot_remove_an_attachment(client_for, director, application, attachment):
    assert client_for(director).post(url("attachment_delete", application.pk, attachment.pk)).status_code == 403
    assert BasisAttachment.objects.exists()


# --- The director ----------------------------------------------------------------------------------------------

def test_director_lists_what_awaits_a_decision(client_for, administrator, director, school, staff):
    waiting = sent_to_director(make_application(school=school, applicant=staff), administrator)
    preparing = in_preparation(make_application(school=school, applicant=staff), administrator)
    page = client_for(director).get(url("decisions")).content.decode()
    assert url("decide", waiting.pk) in page
    assert url("decide", preparing.pk) not in page


def test_decisions_list_empty_state(client_for, director):
    assert b"empty-state" in client_for(director).get(url("decisions")).content


def test_decisions_list_queries_do_not_grow(client_for, administrator, director, staff, django_assert_num_queries):
    fee_rule()
    client = client_for(director)

    def add(count):
        for _ in range(count):
            sent_to_director(make_application(school=SchoolFactory(), applicant=staff), administrator)
        other = sent_to_director(make_application(school=SchoolFactory(), applicant=staff), administrator)
        reject(other, director)

    add(1)
    client.get(url("decisions"))
    # session, user, two-factor device, count, page (with basis and who sent it), latest decisions
    with django_assert_num_queries(6):
        client.get(url("decisions"))
    add(5)
    with django_assert_num_queries(6):
        response = client.get(url("decisions"))
    assert len(response.context["page_obj"].object_list) == 6


def test_only_the_director_sees_the_decisions(client_for, administrator, finance, staff):
    for person in (administrator, finance, staff):
        assert client_for(person).get(url("decisions")).status_code == 403


def test_decide_page_shows_the_basis_and_proposes_the_start_date(client_for, administrator, director,
                                                                 application, en):
    future = timezone.localdate().replace(year=timezone.localdate().year + 1, day=1)
    sent_to_director(application, administrator, start=future)
    response = client_for(director).get(url("decide", application.pk))
    assert response.status_code == 200
    assert "A strong site with a clear plan." in response.content.decode()
    assert response.context["form"].initial == {"start_date": future, "outcome": "approve"}


def test_director_approves(client_for, administrator, director, application, today_rule):
    sent_to_director(application, administrator)
    start = timezone.localdate()
    response = client_for(director).post(url("decide", application.pk), {
        "outcome": "approve", "start_date": start.isoformat(), "reasons": ""})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.APPROVED
    decision = Decision.objects.get()
    assert decision.reference.startswith(f"INSP-{start.year}-")
    assert Certification.objects.get().starts_on == start


def test_director_rejects_only_with_reasons(client_for, administrator, director, application, en):
    sent_to_director(application, administrator, recommendation="reject")
    client = client_for(director)
    response = client.post(url("decide", application.pk), {"outcome": "reject", "reasons": " "})
    assert response.status_code == 200
    assert list(response.context["form"].errors) == ["reasons"]
    assert not Decision.objects.exists()
    response = client.post(url("decide", application.pk), {"outcome": "reject", "reasons": "Not yet."})
    assert response.status_code == 302
    assert Decision.objects.get().outcome == "reject"


def test_a_missing_fee_rule_is_shown_to_the_director_and_nothing_is_saved(client_for, administrator, director,
                                                                          application, en):
    sent_to_director(application, administrator)
    response = client_for(director).post(url("decide", application.pk), {
        "outcome": "approve", "start_date": timezone.localdate().isoformat()})
    assert response.status_code == 200
    assert "There is no fee rule for the school year" in str(response.context["form"].non_field_errors())
    assert "There is no fee rule for the school year" in response.content.decode()
    assert not Decision.objects.exists()
    application.refresh_from_db()
    assert application.status == S.SENT_TO_DIRECTOR


def test_administrator_cannot_decide(client_for, administrator, application, today_rule):
    sent_to_director(application, administrator)
    client = client_for(administrator)
    assert client.get(url("decide", application.pk)).status_code == 403
    assert client.post(url("decide", application.pk), {
        "outcome": "approve", "start_date": timezone.localdate().isoformat()}).status_code == 403
    assert not Decision.objects.exists()


def test_director_sends_back_with_a_note(client_for, administrator, director, application, en):
    sent_to_director(application, administrator)
    client = client_for(director)
    response = client.post(url("send_back", application.pk), {"note": ""})
    assert "note" in response.context["form"].errors
    response = client.post(url("send_back", application.pk), {"note": "Ask about capacity."})
    assert response.status_code == 302
    application.refresh_from_db()
    assert application.status == S.IN_PREPARATION
    assert application.status_changes.order_by("-pk").first().note == "Ask about capacity."


def test_director_corrects_a_decision(client_for, administrator, director, application, today_rule):
    sent_to_director(application, administrator)
    client = client_for(director)
    client.post(url("decide", application.pk), {"outcome": "approve", "start_date": timezone.localdate()})
    first = Decision.objects.get()
    assert client.get(url("correct", application.pk)).context["form"].initial["outcome"] == "reject"
    response = client.post(url("correct", application.pk), {"outcome": "reject", "reasons": "Wrong school."})
    assert response.status_code == 302
    correction = Decision.objects.exclude(pk=first.pk).get()
    assert correction.corrects == first
    assert Certification.objects.get().revoked_by == correction


def test_a_correction_needs_reasons_on_the_page(client_for, administrator, director, application, en):
    sent_to_director(application, administrator, recommendation="reject")
    reject(application, director, now=timezone.now())
    response = client_for(director).post(url("correct", application.pk), {
        "outcome": "approve", "start_date": timezone.localdate().isoformat(), "reasons": ""})
    assert list(response.context["form"].errors) == ["reasons"]
    assert Decision.objects.count() == 1


def test_correct_page_of_an_undecided_application_leads_back(client_for, administrator, director, application):
    sent_to_director(application, administrator)
    assert client_for(director).get(url("correct", application.pk)).url == url("case", application.pk)


# --- The school sees its decision and downloads the letter --------------------------------------------------------

@pytest.fixture
def decided(application, administrator, director):
    fee_rule()
    sent_to_director(application, administrator)
    decision = approve(application, director)
    return decision


def test_school_sees_the_decision_history(client_for, staff, application, decided, en):
    page = client_for(staff).get(url("detail", application.pk)).content.decode()
    assert decided.reference in page
    assert "The decision letter is being prepared." in page
    letters.decision_letter_ensure(decided)
    page = client_for(staff).get(url("detail", application.pk)).content.decode()
    assert url("decision_letter", application.pk, decided.pk) in page


def test_school_downloads_its_decision_letter(client_for, staff, principal, administrator, director, application,
                                              decided):
    letters.decision_letter_ensure(decided)
    for person in (staff, principal, administrator, director):
        response = client_for(person).get(url("decision_letter", application.pk, decided.pk))
        assert response.status_code == 200
        assert b"".join(response.streaming_content).startswith(b"%PDF-")
        assert f"{decided.reference}.pdf" in response["Content-Disposition"]


def test_another_school_cannot_download_the_letter(client, client_for, other_staff, application, decided):
    letters.decision_letter_ensure(decided)
    address = url("decision_letter", application.pk, decided.pk)
    assert client_for(other_staff).get(address).status_code == 403
    client.logout()
    assert client.get(address).status_code == 302


def test_letter_not_yet_rendered_is_not_found(client_for, staff, application, decided):
    assert client_for(staff).get(url("decision_letter", application.pk, decided.pk)).status_code == 404


def test_a_letter_is_reached_only_through_its_application(client_for, staff, school, application, decided):
    letters.decision_letter_ensure(decided)
    other = make_application(school=school, applicant=staff)
    assert client_for(staff).get(url("decision_letter", other.pk, decided.pk)).status_code == 404


def test_case_page_shows_the_decision_history(client_for, administrator, director, application, decided):
    page = client_for(administrator).get(url("case", application.pk)).content.decode()
    assert decided.reference in page
    page = client_for(director).get(url("case", application.pk)).content.decode()
    assert url("correct", application.pk) in page


def test_decision_history_queries_do_not_grow(client_for, staff, application, decided, director,
                                              django_assert_max_num_queries):
    from inspira.certification import casework_services

    from .casework import DECIDED

    client = client_for(staff)
    client.get(url("detail", application.pk))
    with django_assert_max_num_queries(40) as one:
        client.get(url("detail", application.pk))
    for reasons in ("Mistake", "Another mistake"):
        casework_services.decision_correct(application=application, actor=director, outcome="reject",
                                           reasons=reasons, now=DECIDED)
    with django_assert_max_num_queries(len(one.captured_queries)):
        response = client.get(url("detail", application.pk))
    assert len(response.context["decisions"]) == 3
