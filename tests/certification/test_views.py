"""The application form's pages, the principal's page, and who may see what."""

import re
from datetime import date, time
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone

from inspira.accounts.models import Membership
from inspira.certification import services
from inspira.certification.models import Application, ApplicationImage, Endorsement
from inspira.core.storage import private_root
from tests.factories import MembershipFactory, UserFactory

from .conftest import image_bytes, make_application, submit

S = Application.Status


def step_url(application, step):
    return reverse("certification:step", args=[application.pk, step])


# --- Access ------------------------------------------------------------------------------------------

def test_anonymous_is_sent_to_log_in(client, application):
    for url in (reverse("certification:list"), reverse("certification:start"),
                reverse("certification:detail", args=[application.pk]), step_url(application, 1)):
        response = client.get(url)
        assert response.status_code == 302
        assert response.url.startswith(reverse("accounts:login"))


def test_a_pending_member_cannot_apply(client_for, pending_staff, application):
    client = client_for(pending_staff)
    assert client.get(reverse("certification:start")).status_code == 403
    assert client.post(reverse("certification:start"), {"school": application.school_id}).status_code == 403
    assert client.get(step_url(application, 1)).status_code == 403
    assert client.get(reverse("certification:detail", args=[application.pk])).status_code == 403
    assert Application.objects.count() == 1


def test_staff_of_another_school_can_neither_see_nor_edit(client_for, other_staff, application):
    client = client_for(other_staff)
    assert client.get(reverse("certification:detail", args=[application.pk])).status_code == 403
    for step in range(1, 7):
        assert client.get(step_url(application, step)).status_code == 403
    response = client.post(step_url(application, 1), {"area_title": "Hijacked", "next": ""})
    assert response.status_code == 403
    assert client.post(step_url(application, 6)).status_code == 403
    application.refresh_from_db()
    assert application.area_title == "Outdoor mathematics"
    assert application.status == S.DRAFT
    response = client.get(reverse("certification:list"))
    assert application.area_title not in response.content.decode()


def test_staff_of_another_school_cannot_start_an_application_for_it(client_for, other_staff, school):
    client_for(other_staff).post(reverse("certification:start"), {"school": school.pk})
    assert not Application.objects.filter(school=school).exists()


def test_an_administrator_may_read_but_not_edit(client_for, administrator, application):
    client = client_for(administrator)
    assert client.get(reverse("certification:detail", args=[application.pk])).status_code == 200
    assert client.get(step_url(application, 1)).status_code == 403


def test_staff_cannot_remove_another_schools_picture(client_for, other_staff, application):
    image = ApplicationImage.objects.create(application=application, image="x.jpg", alt_text="A picture")
    url = reverse("certification:image_delete", args=[application.pk, image.pk])
    assert client_for(other_staff).post(url).status_code == 403
    assert ApplicationImage.objects.filter(pk=image.pk).exists()


# --- Starting, saving and continuing a draft ---------------------------------------------------------------

def test_start_creates_a_draft(client_for, staff, school):
    response = client_for(staff).post(reverse("certification:start"), {"school": school.pk, "team_name": "Lag 3"})
    application = Application.objects.get()
    assert response.url == step_url(application, 1)
    assert (application.school, application.applicant, application.team_name) == (school, staff, "Lag 3")
    assert application.status == S.DRAFT
    assert list(application.school_forms.all()) == list(school.school_forms.all())
    assert application.status_changes.get().to_status == S.DRAFT


def test_step_shows_where_the_applicant_is(client_for, staff, application, en):
    html = client_for(staff).get(step_url(application, 2)).content.decode()
    assert "Step 2 of 6" in html
    assert html.count('aria-current="step"') == 1
    current = re.search(r'<li aria-current="step"[^>]*>([^<]*)</li>', html)
    assert current and "plan" in current.group(1).lower()
    assert html.count("<h1") == 1


def test_draft_is_saved_and_continued_later(client_for, staff, school):
    client = client_for(staff)
    application = services.application_create(school=school, applicant=staff)
    response = client.post(step_url(application, 1), {
        "team_name": "", "area_title": "Reading circles", "area_description": "Pupils lead them.",
        "experience_since": "2022-09-01", "next": "",
    })
    assert response.url == step_url(application, 2)
    application.refresh_from_db()
    assert (application.area_title, application.experience_since) == ("Reading circles", date(2022, 9, 1))
    # Later, in another session: the step shows what was saved.
    client.logout()
    html = client_for(staff).get(step_url(application, 1)).content.decode()
    assert 'value="Reading circles"' in html
    assert 'value="2022-09-01"' in html
    # "Save draft" stays on the step; "Save and go back" goes back.
    response = client.post(step_url(application, 2), {
        "plan_introduction": "", "plan-TOTAL_FORMS": "0", "plan-INITIAL_FORMS": "0", "save": ""})
    assert response.url == step_url(application, 2)
    response = client.post(step_url(application, 2), {
        "plan_introduction": "", "plan-TOTAL_FORMS": "0", "plan-INITIAL_FORMS": "0", "previous": ""})
    assert response.url == step_url(application, 1)


def test_a_failed_step_keeps_what_was_typed_and_saves_nothing(client_for, staff, application, en):
    future = (timezone.localdate().replace(year=timezone.localdate().year + 1)).isoformat()
    response = client_for(staff).post(step_url(application, 1), {
        "area_title": "A new title", "area_description": "New text", "experience_since": future, "next": ""})
    assert response.status_code == 200
    html = response.content.decode()
    assert 'value="A new title"' in html
    assert "The date cannot be in the future." in html
    # The error is inside the date field's own block, tied to the field.
    field_block = html[html.index('id="div_id_experience_since"'):]
    field_block = field_block[: field_block.index("</div>", field_block.index("The date cannot be"))]
    assert "The date cannot be in the future." in field_block
    assert 'aria-invalid="true"' in html
    application.refresh_from_db()
    assert application.area_title == "Outdoor mathematics"


def _plan_post(rows, **extra):
    data = {"plan_introduction": "Welcome!", "plan-TOTAL_FORMS": str(len(rows)), "plan-INITIAL_FORMS": "0",
            "plan-MIN_NUM_FORMS": "0", "plan-MAX_NUM_FORMS": "20"}
    for i, (start, end, activity) in enumerate(rows):
        data |= {f"plan-{i}-start_time": start, f"plan-{i}-end_time": end, f"plan-{i}-activity": activity}
    return data | extra


def test_plan_rows_are_saved_in_time_order_and_blank_rows_ignored(client_for, staff, application):
    response = client_for(staff).post(step_url(application, 2), _plan_post(
        [("10:00", "12:00", "Lesson"), ("", "", ""), ("09:00", "10:00", "Welcome")], next=""))
    assert response.url == step_url(application, 3)
    assert list(application.plan_items.values_list("start_time", "activity")) == [
        (time(9), "Welcome"), (time(10), "Lesson")]
    application.refresh_from_db()
    assert application.plan_introduction == "Welcome!"


def test_a_half_filled_plan_row_is_marked_and_nothing_is_saved(client_for, staff, application, en):
    before = list(application.plan_items.values_list("activity", flat=True))
    response = client_for(staff).post(step_url(application, 2), _plan_post(
        [("09:00", "10:00", "Welcome"), ("11:00", "10:30", ""), ], next=""))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Describe the activity." in html
    assert "The end must be after the start." in html
    assert 'value="Welcome"' in html
    assert list(application.plan_items.values_list("activity", flat=True)) == before
    application.refresh_from_db()
    assert application.plan_introduction == ""


def test_overlapping_plan_rows_are_refused(client_for, staff, application, en):
    response = client_for(staff).post(step_url(application, 2), _plan_post(
        [("09:00", "10:30", "Welcome"), ("10:00", "11:00", "Lesson")], next=""))
    assert response.status_code == 200
    assert "Two rows overlap" in response.content.decode()


def test_add_a_row_without_javascript(client_for, staff, application):
    client = client_for(staff)
    html = client.get(step_url(application, 2)).content.decode()
    assert len(re.findall(r'name="plan-\d+-activity"', html)) == 4  # three saved rows and an empty one
    response = client.post(step_url(application, 2), _plan_post(
        [("09:00", "10:00", "Welcome"), ("10:00", "12:00", "Lesson"), ("", "", ""), ("", "", "")], add_row=""))
    assert response.status_code == 302
    assert application.plan_items.count() == 2  # adding a row saves the draft too
    html = client.get(response.url).content.decode()
    assert len(re.findall(r'name="plan-\d+-activity"', html)) == 5  # the four shown and one more
    # With a mistake, the page comes back with the typed rows and one more.
    response = client.post(step_url(application, 2), _plan_post(
        [("09:00", "10:00", "Welcome"), ("10:00", "", "Lesson")], add_row=""))
    assert response.status_code == 200
    assert len(re.findall(r'name="plan-\d+-activity"', response.content.decode())) == 3


def test_targets_step_saves_grades_forms_and_commitment(client_for, staff, application):
    from inspira.schools.models import SchoolForm
    forms = SchoolForm.objects.filter(code__in=["grundskola", "fritidshem"])
    response = client_for(staff).post(step_url(application, 3), {
        "school_forms": [f.pk for f in forms], "grades": ["F", "1"], "subjects": "Swedish",
        "commits_to_five_visits": "on", "next": ""})
    assert response.url == step_url(application, 4)
    application.refresh_from_db()
    assert set(application.school_forms.all()) == set(forms)
    assert application.grades == ["F", "1"]
    assert application.commits_to_five_visits is True


def _contacts_post(rows, **extra):
    data = {"contacts-TOTAL_FORMS": str(len(rows)), "contacts-INITIAL_FORMS": "0",
            "contacts-MIN_NUM_FORMS": "0", "contacts-MAX_NUM_FORMS": "3"}
    for i, (name, email, phone) in enumerate(rows):
        data |= {f"contacts-{i}-name": name, f"contacts-{i}-email": email, f"contacts-{i}-phone": phone}
    return data | extra


def test_contacts_step_saves_up_to_three_contacts_and_the_principal(client_for, staff, application, school):
    second = MembershipFactory(school=school, role=Membership.Role.PRINCIPAL,
                               user=UserFactory(email="rut@example.se", name="Rut Andra")).user
    response = client_for(staff).post(step_url(application, 4), _contacts_post(
        [("Anna", "ANNA@example.se", "070"), ("", "", ""), ("Bo", "bo@example.se", "")],
        principal=str(second.pk), next=""))
    assert response.url == step_url(application, 5)
    assert list(application.contacts.values_list("name", "email")) == [
        ("Anna", "anna@example.se"), ("Bo", "bo@example.se")]
    application.refresh_from_db()
    assert (application.principal, application.principal_email) == (second, "rut@example.se")


def test_contacts_step_refuses_a_principal_who_is_not_the_schools(client_for, staff, application, en):
    response = client_for(staff).post(step_url(application, 4), _contacts_post(
        [("Anna", "anna@example.se", "")], principal=str(staff.pk), next=""))
    assert response.status_code == 200
    assert "Choose one of the school&#x27;s principals." in response.content.decode()
    application.refresh_from_db()
    assert application.principal != staff


def test_contacts_step_tells_a_school_without_a_principal_to_ask_the_administration(client_for, staff, school):
    application = services.application_create(school=school, applicant=staff)
    page = client_for(staff).get(step_url(application, 4)).content.decode()
    assert "Be förvaltningen lägga till skolans rektor" in page
    assert 'name="principal"' not in page


def test_contacts_step_refuses_more_than_three(client_for, staff, application):
    rows = [(f"P{i}", f"p{i}@example.se", "") for i in range(4)]
    response = client_for(staff).post(step_url(application, 4), _contacts_post(
        rows, principal=str(application.principal_id), next=""))
    assert response.status_code == 200
    assert application.contacts.count() == 1


def test_contacts_step_offers_the_schools_principal(client_for, staff, principal, school):
    application = services.application_create(school=school, applicant=staff)
    html = client_for(staff).get(step_url(application, 4)).content.decode()
    assert f'<option value="{principal.pk}" selected>Rut Rektor (rektor@example.se)</option>' in html
    assert 'value="larare@example.se"' in html  # the applicant as the first contact


# --- Pictures ---------------------------------------------------------------------------------------------

def test_a_picture_is_stored_re_encoded_under_a_random_name(client_for, staff, application, settings):
    upload = SimpleUploadedFile("our-class.png", image_bytes("PNG", size=(2400, 1200)), content_type="image/png")
    response = client_for(staff).post(step_url(application, 5), {"image": upload, "alt_text": "Pupils measure"})
    assert response.url == step_url(application, 5)
    image = application.images.get()
    assert image.alt_text == "Pupils measure"
    assert "our-class" not in image.image.name
    assert image.image.name.endswith(".jpg")
    assert (Path(private_root()) / image.image.name).exists()
    assert (image.width, image.height) == (2000, 1000)


def test_a_fake_picture_is_refused_next_to_the_field(client_for, staff, application, en):
    upload = SimpleUploadedFile("holiday.jpg", b"just some text, not a picture", content_type="image/jpeg")
    response = client_for(staff).post(step_url(application, 5), {"image": upload, "alt_text": "Holiday"})
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('id="div_id_image"'):]
    assert "The file is not a picture we can use" in block[: block.index('id="div_id_alt_text"')]
    assert not application.images.exists()


def test_a_picture_needs_a_description(client_for, staff, application, en):
    upload = SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg")
    response = client_for(staff).post(step_url(application, 5), {"image": upload, "alt_text": ""})
    assert response.status_code == 200
    assert "Describe what the picture shows." in response.content.decode()
    assert not application.images.exists()


def test_a_picture_can_be_removed(client_for, staff, application, settings, django_capture_on_commit_callbacks):
    client = client_for(staff)
    client.post(step_url(application, 5), {
        "image": SimpleUploadedFile("p.jpg", image_bytes(), content_type="image/jpeg"), "alt_text": "A"})
    image = application.images.get()
    path = Path(private_root()) / image.image.name
    assert path.exists()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("certification:image_delete", args=[application.pk, image.pk]))
    assert response.url == step_url(application, 5)
    assert not application.images.exists()
    assert not path.exists()


# --- Review and submit ------------------------------------------------------------------------------------

def test_review_lists_each_problem_with_a_link_to_its_step(client_for, staff, school, en):
    application = make_application(school=school, applicant=staff, commits_to_five_visits=False,
                                   experience_since=timezone.localdate())
    response = client_for(staff).post(step_url(application, 6))
    assert response.status_code == 200
    html = response.content.decode()
    assert step_url(application, 1) + "?check=1#id_experience_since" in html
    assert step_url(application, 3) + "?check=1#id_commits_to_five_visits" in html
    application.refresh_from_db()
    assert application.status == S.DRAFT
    # The step repeats its own problem at the top.
    html = client_for(staff).get(step_url(application, 3) + "?check=1").content.decode()
    assert "five study visits" in html


def test_submit_sends_the_application_to_the_principal(client_for, staff, application):
    response = client_for(staff).post(step_url(application, 6))
    assert response.url == reverse("certification:detail", args=[application.pk])
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT
    # Once sent, the steps lead to the application's page.
    response = client_for(staff).get(step_url(application, 1))
    assert response.url == reverse("certification:detail", args=[application.pk])


def test_take_back_from_the_principal(client_for, staff, application):
    submit(application)
    response = client_for(staff).post(reverse("certification:reopen", args=[application.pk]))
    assert response.url == step_url(application, 1)
    application.refresh_from_db()
    assert application.status == S.DRAFT


# --- Lists ------------------------------------------------------------------------------------------------

def test_my_applications_lists_the_schools_applications(client_for, staff, school, other_school, other_staff):
    colleague = MembershipFactory(school=school, user=UserFactory(name="Kim Kollega")).user
    mine = make_application(school=school, applicant=colleague, area_title="Colleague's idea")
    theirs = make_application(school=other_school, applicant=other_staff, area_title="Other school's idea")
    html = client_for(staff).get(reverse("certification:list")).content.decode()
    assert "Colleague&#x27;s idea" in html
    assert "Other school" not in html
    assert mine.pk and theirs.pk


def test_my_applications_empty_state(client_for, staff):
    html = client_for(staff).get(reverse("certification:list")).content.decode()
    assert "empty-state" in html


def test_my_applications_queries_do_not_grow(client_for, staff, school, django_assert_num_queries):
    client = client_for(staff)
    make_application(school=school, applicant=staff)
    client.get(reverse("certification:list"))  # warm up the session
    # Session, person, memberships, count, page: the same for one application or many.
    with django_assert_num_queries(5):
        client.get(reverse("certification:list"))
    for _ in range(5):
        make_application(school=school, applicant=staff)
    with django_assert_num_queries(5):
        response = client.get(reverse("certification:list"))
    assert len(response.context["page_obj"]) == 6


def test_detail_shows_the_principals_reason(client_for, staff, application):
    _e, token = submit(application)
    services.endorsement_decide(token=token, decision=Endorsement.Decision.DECLINE, reason="Add a longer plan.")
    html = client_for(staff).get(reverse("certification:detail", args=[application.pk])).content.decode()
    assert "Add a longer plan." in html


# --- The principal's page -----------------------------------------------------------------------------------

def endorse_url(token):
    return reverse("certification:endorse", args=[token])


def test_principal_sees_the_application_without_logging_in(client, application):
    _e, token = submit(application)
    response = client.get(endorse_url(token))
    assert response.status_code == 200
    html = response.content.decode()
    assert "Outdoor mathematics" in html
    assert "Visit a lesson" in html


def test_principal_endorses(client, application):
    _e, token = submit(application)
    response = client.post(endorse_url(token), {"decision": "endorse", "reason": ""})
    assert response.url == endorse_url(token)
    application.refresh_from_db()
    assert application.status == S.SUBMITTED
    # The link, used again, tells what was answered.
    response = client.get(endorse_url(token))
    assert response.status_code == 200
    assert response.context["reason"] == "used"


def test_a_teacher_logged_in_cannot_endorse_with_a_forwarded_link(client_for, staff, application):
    _e, token = submit(application)
    response = client_for(staff).post(endorse_url(token), {"decision": "endorse", "reason": ""})
    assert response.status_code == 200
    assert "inloggad som någon annan" in response.content.decode()
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT


def test_the_principals_page_says_when_the_principal_has_stepped_down(client, application, principal, school):
    _e, token = submit(application)
    principal.memberships.filter(school=school).update(role=Membership.Role.STAFF)
    page = client.get(endorse_url(token)).content.decode()
    assert "inte en bekräftad rektor för skolan i Inspira nu" in page
    assert 'name="decision"' not in page


def test_principal_must_give_a_reason_to_decline(client, application, en):
    _e, token = submit(application)
    response = client.post(endorse_url(token), {"decision": "decline", "reason": ""})
    assert response.status_code == 200
    html = response.content.decode()
    block = html[html.index('id="div_id_reason"'):]
    assert "Give a reason" in block
    application.refresh_from_db()
    assert application.status == S.AWAITING_ENDORSEMENT
    response = client.post(endorse_url(token), {"decision": "decline", "reason": "Not this year."})
    application.refresh_from_db()
    assert application.status == S.ENDORSEMENT_DECLINED


def test_a_reused_link_cannot_change_the_answer(client, application):
    _e, token = submit(application)
    client.post(endorse_url(token), {"decision": "endorse"})
    response = client.post(endorse_url(token), {"decision": "decline", "reason": "No"})
    assert response.status_code == 200
    assert response.context["reason"] == "used"
    application.refresh_from_db()
    assert application.status == S.SUBMITTED


def test_an_expired_link_shows_a_clear_page(client, application, settings):
    _e, token = submit(application)
    settings.ENDORSEMENT_LINK_MAX_AGE = -1
    response = client.get(endorse_url(token))
    assert response.status_code == 410
    assert response.context["reason"] == "expired"


def test_a_tampered_link_shows_a_clear_page(client, application):
    _e, token = submit(application)
    response = client.get(endorse_url(token[:-3] + "xyz"))
    assert response.status_code == 400
    assert response.context["reason"] == "damaged"


def test_an_old_round_link_shows_a_clear_page(client, application, staff):
    _e, token = submit(application)
    services.application_reopen(application=application, actor=staff)
    response = client.get(endorse_url(token))
    assert response.status_code == 410
    assert response.context["reason"] == "replaced"
    response = client.post(endorse_url(token), {"decision": "endorse"})
    assert response.status_code == 410
    application.refresh_from_db()
    assert application.status == S.DRAFT


def test_start_page_offers_the_persons_schools(client_for, staff, school, other_school):
    response = client_for(staff).get(reverse("certification:start"))
    assert response.status_code == 200
    assert list(response.context["form"].fields["school"].queryset) == [school]


def test_start_page_explains_why_a_pending_member_cannot_apply(client_for, pending_staff, en):
    response = client_for(pending_staff).get(reverse("certification:start"))
    assert response.status_code == 403
    assert "confirmed that you work at the school" in response.content.decode()
