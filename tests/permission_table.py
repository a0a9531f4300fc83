"""Who may do what: the answer every role gets from every URL, as data.

tests/test_permission_table.py walks every URL pattern of the project and asks each one, as each
role in ``permission_fixtures.ROLES``, with GET and with POST; the answer must be the one this
table gives. A URL pattern without a row fails the test, and so does a row whose URL is gone.

Outcomes (what ``test_permission_table.outcome`` makes of a response):

- ``OK``: a 2xx answer, or a redirect (3xx) anywhere except to the login page with a ``next``
  parameter. A redirect to the login page *without* ``next`` (after logging out, after verifying an
  email address) is an ordinary "done, now log in" and counts as OK.
- ``LOGIN``: a redirect to the login page whose ``next`` is the requested URL, as
  ``login_required`` answers an anonymous visitor.
- ``FORBIDDEN`` (403): a logged-in person without the right.
- ``NOT_FOUND`` (404): an object hidden from the role. No row uses it at present: every view
  refuses another school's objects with 403.
- ``NOT_ALLOWED`` (405): the view does not accept the method.

Never a 5xx, for any role: the test reports any as a mismatch.

POST is sent with the data of the row (empty unless ``data`` says otherwise): the point is the
permission answer, not the action. Each request runs in a savepoint that is rolled back, so one
role's allowed POST never changes what the next role sees.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass

from tests import permission_fixtures as fx
from tests.permission_fixtures import (
    ADMINISTRATOR,
    ANONYMOUS,
    DIRECTOR,
    FINANCE,
    OTHER_PRINCIPAL,
    OTHER_STAFF,
    PENDING,
    PRINCIPAL,
    ROLES,
    SITE_CONTACT,
    STAFF,
    World,
)

OK = "ok"
LOGIN = "login"
FORBIDDEN = "403"
NOT_FOUND = "404"
NOT_ALLOWED = "405"

# --- Patterns the walk leaves out, and why -----------------------------------------------------------
# A namespace or name listed here is skipped; the test fails if one of them disappears, so the list
# stays true.
EXCLUDED_NAMESPACES = {
    "admin": "The Django admin (django-admin/): a tool for technical staff with its own is_staff "
             "login, not part of the product; Django tests its permissions. Its rule is the same for "
             "every pattern, so test_the_django_admin_answers_by_one_rule checks each pattern against "
             "DJANGO_ADMIN_RULE below instead of a row each.",
}
# What every pattern of the Django admin answers (checked for each pattern, GET and POST): its users can
# edit roles and permissions, so they pass the second step first.
DJANGO_ADMIN_RULE = {
    "staff_without_second_step": "sent to the two-factor step (enrolment, or the code if they have an app)",
    "staff_with_second_step": "the Django admin's own answer, never the two-factor step",
    "everyone_else": "never a page of the Django admin: its login form at most",
}
EXCLUDED_NAMES = {
    "set_language": "Django's i18n language switch (i18n/setlang/): public by design, POST only, "
                    "changes only the visitor's language cookie.",
}
# Unnamed patterns are skipped only if their view is one of these (dotted path -> why).
EXCLUDED_UNNAMED_VIEWS = {
    "django.views.static.serve": "Uploaded media served by Django itself, added only when DEBUG is on "
                                 "(static files are served by whitenoise, outside the URL patterns).",
}


# --- Who gets what: building blocks -----------------------------------------------------------------------

def expect(default: str, **roles: str) -> dict[str, str]:
    """Every role gets ``default`` unless named."""
    unknown = set(roles) - set(ROLES)
    assert not unknown, f"unknown roles {unknown}"
    return {role: roles.get(role, default) for role in ROLES}


def not_allowed(answers: Mapping[str, str]) -> dict[str, str]:
    """The other method of a view: whoever gets past its access checks is told 405.

    Valid for the views here, which check login (and a central role) before the method. A view
    that checks the method first answers ``NOBODY`` instead.
    """
    return {role: NOT_ALLOWED if answer == OK else answer for role, answer in answers.items()}


def only(*allowed: str) -> dict[str, str]:
    """Logged-in people with one of ``allowed`` roles; anyone else logged in is refused (403)."""
    return expect(FORBIDDEN, **{ANONYMOUS: LOGIN}, **dict.fromkeys(allowed, OK))


PUBLIC = expect(OK)
NOBODY = expect(NOT_ALLOWED)  # the method is refused before anything else, even for anonymous
LOGGED_IN = expect(OK, **{ANONYMOUS: LOGIN})
CENTRAL = (ADMINISTRATOR, DIRECTOR, FINANCE)
ADMIN_ONLY = only(ADMINISTRATOR)
CENTRAL_ONLY = only(*CENTRAL)
FEE_RULE_EDITORS = only(ADMINISTRATOR, FINANCE)
# Confirmed members of the school the object belongs to (any school role).
SCHOOL_MEMBERS = only(STAFF, SITE_CONTACT, PRINCIPAL)
SCHOOL_MEMBERS_AND_CENTRAL = only(STAFF, SITE_CONTACT, PRINCIPAL, *CENTRAL)
# Confirm people and set their roles: the school's principal and administrators.
MEMBER_MANAGERS = only(PRINCIPAL, ADMINISTRATOR)
MEMBER_VIEWERS = only(PRINCIPAL, *CENTRAL)
# Anyone with a confirmed membership of some school (they can act for it).
ANY_CONFIRMED_MEMBER = only(STAFF, OTHER_STAFF, SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL)


def nothing(world: World) -> dict:
    return {}


@dataclass(frozen=True)
class Row:
    GET: Mapping[str, str]
    POST: Mapping[str, str]
    kwargs: Callable[[World], dict] = nothing  # makes the objects the URL names
    data: Callable[[World], dict] = nothing  # the POST body
    note: str = ""


# --- The table ---------------------------------------------------------------------------------------------------

TABLE: dict[str, Row] = {
    # core
    "core:home": Row(GET=PUBLIC, POST=NOBODY),
    "core:health": Row(GET=PUBLIC, POST=NOBODY, note="For load balancers; holds no personal data."),
    "core:dashboard": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN)),
    "core:outbox": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "core:outbox_detail": Row(
        GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY),
        kwargs=lambda w: {"item_id": fx.outbox_item(w).pk},
    ),
    "core:outbox_retry": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY,
        kwargs=lambda w: {"item_id": fx.outbox_item(w).pk},
    ),
    "core:audit": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY),
                      note="The audit trail: administrators only; nobody can change it."),
    "core:audit_export": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    # portal: each person's own participation record and its certificate
    "core:participation": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN), note="Only the person's own record."),
    "core:participation_certificate": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN)),

    # accounts: logging in and out, passwords
    "accounts:login": Row(GET=PUBLIC, POST=PUBLIC, note="An empty POST re-shows the form."),
    "accounts:logout": Row(GET=NOBODY, POST=PUBLIC),
    "accounts:password_change": Row(GET=LOGGED_IN, POST=LOGGED_IN),
    "accounts:password_reset": Row(GET=PUBLIC, POST=PUBLIC),
    "accounts:password_reset_done": Row(GET=PUBLIC, POST=NOBODY),
    "accounts:password_reset_confirm": Row(
        GET=PUBLIC, POST=PUBLIC, kwargs=fx.password_reset_token,
        note="A working link redirects to the set-password page, for whoever holds it.",
    ),
    "accounts:password_reset_complete": Row(GET=PUBLIC, POST=NOBODY),

    # accounts: signing up (a logged-in person is redirected to "join a school")
    "accounts:signup": Row(GET=PUBLIC, POST=NOBODY),
    "accounts:signup_form": Row(GET=PUBLIC, POST=PUBLIC, kwargs=lambda w: {"school_id": w.school.pk}),
    "accounts:signup_done": Row(GET=PUBLIC, POST=NOBODY),
    "accounts:verify_resend": Row(GET=PUBLIC, POST=PUBLIC),
    "accounts:verify_email": Row(
        GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"token": fx.verification_token(w)},
        note="The link itself is the right; it redirects to the login page (without next).",
    ),

    # accounts: a person's own pages
    "accounts:profile": Row(GET=LOGGED_IN, POST=LOGGED_IN),
    "accounts:join_school": Row(
        GET=LOGGED_IN, POST=LOGGED_IN, data=lambda w: {"school": w.other_school.pk},
    ),

    # accounts: a school's members
    "accounts:school_members": Row(
        GET=MEMBER_VIEWERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"school_id": w.school.pk},
        note="Director and finance read only; a school's staff do not see the list.",
    ),
    "accounts:membership_confirm": Row(
        GET=not_allowed(LOGGED_IN), POST=MEMBER_MANAGERS,
        kwargs=lambda w: {"membership_id": w.memberships[PENDING].pk},
    ),
    "accounts:membership_reject": Row(
        GET=not_allowed(LOGGED_IN), POST=MEMBER_MANAGERS,
        kwargs=lambda w: {"membership_id": w.memberships[PENDING].pk},
    ),
    "accounts:membership_set_role": Row(
        GET=not_allowed(LOGGED_IN), POST=MEMBER_MANAGERS,
        kwargs=lambda w: {"membership_id": w.memberships[STAFF].pk}, data=lambda w: {"role": "site_contact"},
    ),

    # accounts: administrators manage people
    "accounts:people": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "accounts:person_edit": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"user_id": w.users[STAFF].pk},
    ),

    # accounts: two-factor sign-in, for central roles only (the walk's central people are verified,
    # so the code pages send them on; tests/accounts/test_two_factor.py tests the unverified path)
    "accounts:two_factor_verify": Row(GET=CENTRAL_ONLY, POST=CENTRAL_ONLY),
    "accounts:two_factor_recovery": Row(GET=CENTRAL_ONLY, POST=CENTRAL_ONLY),
    "accounts:two_factor_enrol": Row(GET=CENTRAL_ONLY, POST=CENTRAL_ONLY,
                                     note="Someone already enrolled is sent to their page, never enrols again."),
    "accounts:two_factor_codes": Row(GET=CENTRAL_ONLY, POST=not_allowed(CENTRAL_ONLY)),
    "accounts:two_factor_codes_new": Row(GET=CENTRAL_ONLY, POST=CENTRAL_ONLY),
    # accounts: a person's sessions, seen and ended by administrators only (tests/accounts/test_sessions.py)
    "accounts:person_sessions": Row(
        GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY), kwargs=lambda w: {"user_id": w.users[STAFF].pk},
    ),
    "accounts:session_end": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY,
        kwargs=lambda w: {"user_id": w.users[STAFF].pk, "sign_in_id": fx.staff_sign_in(w).pk},
        note="Not even a person's own session: the administrators' page.",
    ),
    "accounts:sessions_end_all": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"user_id": w.users[STAFF].pk},
    ),
    "accounts:two_factor_reset": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"user_id": w.users[DIRECTOR].pk},
        note="An administrator resets another person's two-factor sign-in (a lost phone).",
    ),

    # sign-in through Skolfederation (inspira/federation). djangosaml2's endpoints: the SP metadata and the start of
    # a sign-in are public; the assertion consumer refuses an answer that is not a valid SAML response (403).
    "saml2_metadata": Row(GET=PUBLIC, POST=NOBODY, note="Inspira's SAML metadata, registered with the federation."),
    "saml2_login": Row(GET=PUBLIC, POST=NOBODY,
                       note="Without ?idp= it sends to the discovery page; a logged-in person is sent on to next."),
    "saml2_acs": Row(GET=NOBODY, POST=expect(FORBIDDEN), data=lambda w: {"SAMLResponse": "bm90IHNhbWw="},
                     note="The identity provider's answer (CSRF-exempt: SAML's signature, audience, lifetime and "
                          "the outstanding request stand in); what is not a valid answer gets the refusal page."),
    "federation:discovery": Row(GET=PUBLIC, POST=NOBODY),
    "federation:link": Row(GET=PUBLIC, POST=PUBLIC,
                           note="Without a sign-in waiting in the session it sends back to the discovery page; "
                                "tests/federation/test_sign_in.py tests the password step."),
    "federation:providers": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "federation:provider_edit": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY,
        data=lambda w: {"idp": fx.identity_provider(w).entity_id, "trust_school_codes": "on"},
        note="What the administration trusts an identity provider for (?idp=<entity id>).",
    ),

    # schools
    "schools:list": Row(GET=CENTRAL_ONLY, POST=not_allowed(CENTRAL_ONLY)),
    "schools:create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY),
    "schools:detail": Row(
        GET=SCHOOL_MEMBERS_AND_CENTRAL, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"school_id": w.school.pk},
    ),
    "schools:edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"school_id": w.school.pk}),
    # closed days: the municipality's breaks are the administrators'; a school's own its principal's too
    "schools:closed_periods": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN)),
    "schools:closed_period_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY),
    "schools:school_closed_periods": Row(
        GET=MEMBER_MANAGERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"school_id": w.school.pk},
    ),
    "schools:school_closed_period_create": Row(
        GET=MEMBER_MANAGERS, POST=MEMBER_MANAGERS, kwargs=lambda w: {"school_id": w.school.pk},
    ),
    "schools:closed_period_edit": Row(
        GET=MEMBER_MANAGERS, POST=MEMBER_MANAGERS, kwargs=lambda w: {"period_id": fx.closed_period(w).pk},
        note="The school's own study day; the municipality's periods are the administrators' "
             "(tests/schools/test_closed_periods.py).",
    ),
    "schools:closed_period_delete": Row(
        GET=MEMBER_MANAGERS, POST=MEMBER_MANAGERS, kwargs=lambda w: {"period_id": fx.closed_period(w).pk},
    ),

    # Skolverket's school-unit register: the administrators' (tests/schools/test_register_views.py)
    "schools:register": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "schools:register_imports": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "schools:register_unit": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY), kwargs=fx.closed_register_unit),
    "schools:register_successor": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.closed_register_unit,
        data=lambda w: {"successor": fx.register_units(w)["successor"].unit_code},
        note="The successor of a closed unit, recorded by hand: the register has none.",
    ),
    "core:closed_schools": Row(
        GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY), kwargs=lambda w: fx.register_units(w) and {},
        note="The schools the register says are closed, with their open bookings and applications (portal).",
    ),

    # school years and fee rules
    "schoolyears:list": Row(GET=CENTRAL_ONLY, POST=not_allowed(CENTRAL_ONLY)),
    "schoolyears:create": Row(GET=FEE_RULE_EDITORS, POST=FEE_RULE_EDITORS),
    "schoolyears:edit": Row(
        GET=FEE_RULE_EDITORS, POST=FEE_RULE_EDITORS, kwargs=lambda w: {"rule_id": fx.fee_rule(w).pk},
    ),

    # programmes: administrators switch them on and off and name their coordinators
    "programmes:list": Row(GET=ADMIN_ONLY, POST=not_allowed(ADMIN_ONLY)),
    "programmes:switch": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"key": "teacher_panel"},
        data=lambda w: {"active": "on"},
    ),
    "programmes:coordinator_add": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"key": "tailor_made"},
        data=lambda w: {"person": w.users[STAFF].pk},
    ),
    "programmes:coordinator_remove": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY,
        kwargs=lambda w: {"key": "tailor_made", "user_id": fx.programme_coordinator(w).user_id},
    ),

    # surveys: anyone with the emailed link answers; the programme's coordinators and administrators see
    # the results (the checks for the object come after the method's, so a logged-in POST is told 405)
    "surveys:answer": Row(
        GET=PUBLIC, POST=PUBLIC, kwargs=lambda w: {"token": fx.survey_token(w)},
        note="The personal link is the permission: it works logged out. An empty POST shows the form's errors.",
    ),
    "surveys:answered": Row(GET=PUBLIC, POST=NOBODY, note="A thank-you page; shows nothing of anyone's answers."),
    "surveys:results": Row(
        GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"survey_id": fx.closed_survey(w).pk},
        note="Also the coordinators of the survey's programme (no role of the world is one).",
    ),
    "surveys:export": Row(
        GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"survey_id": fx.closed_survey(w).pk, "fmt": "csv"},
    ),
    "surveys:review": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"survey_id": fx.closed_survey(w).pk}),
    # surveys: the builder (the programme's coordinators, whom no role here is, and administrators;
    # tests/surveys/test_builder.py refuses a coordinator of another programme)
    "surveys:manage": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                          note="Coordinators of a programme that is on also see it (tests/surveys)."),
    "surveys:create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, note="An empty POST re-shows the form."),
    "surveys:detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                          kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk}),
    "surveys:edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk},
                        note="An empty POST re-shows the form."),
    "surveys:preview": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                           kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk}),
    "surveys:question_add": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY,
                                kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk}),
    "surveys:question_edit": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY,
        kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk, "question_id": fx.draft_question(w).pk}),
    "surveys:question_remove": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, note="GET asks to confirm; POST removes.",
        kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk, "question_id": fx.draft_question(w).pk}),
    "surveys:question_move": Row(
        GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, data=lambda w: {"direction": "down"},
        kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk, "question_id": fx.draft_question(w).pk}),
    "surveys:open": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                        kwargs=lambda w: {"survey_id": fx.draft_survey(w).pk}),
    "surveys:close": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                         kwargs=lambda w: {"survey_id": fx.open_survey(w).pk}),
    "surveys:remind": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                          kwargs=lambda w: {"survey_id": fx.open_survey(w).pk}),
    # events: the organisers' pages (programme coordinators, whom no role here is, and administrators)
    # and the public calendar with its feeds
    "events:manage": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                         note="Coordinators of a programme that is on also see it (tests/events)."),
    "events:create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, note="An empty POST re-shows the form."),
    "events:detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.event(w).pk},
                         note="The method is checked before the person's access to the event."),
    "events:edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.event(w).pk},
                       note="An empty POST re-shows the form."),
    "events:cancel": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.event(w).pk},
                         data=lambda w: {"reason": "Föreläsaren är sjuk"}),
    "events:evaluation_create": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                    kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:evaluation_invite": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                    kwargs=lambda w: {"pk": fx.evaluated_event(w).pk},
                                    note="Invites those marked as attended (tests/events/test_evaluation.py)."),
    "events:series_list": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                              note="Coordinators of a programme that is on also see it (tests/events)."),
    "events:series_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, note="An empty POST re-shows the form."),
    "events:series_detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                                kwargs=lambda w: {"pk": fx.event_series(w).pk},
                                note="Another programme's coordinator is refused (tests/events/test_series.py)."),
    "events:questions": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:question_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.event(w).pk},
                                  note="An empty POST re-shows the form."),
    "events:question_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {
        "pk": fx.event(w).pk, "question_id": fx.registration_question(w).pk}, note="An empty POST re-shows the form."),
    "events:question_delete": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {
        "pk": fx.event(w).pk, "question_id": fx.registration_question(w).pk}),
    "events:answers": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.event(w).pk},
                          note="Personal data: only the event's organisers (tests/events/test_questions.py)."),
    # The event's attendance list. The event is in two weeks: a tick or finishing is refused with a
    # message (a redirect), an empty walk-in form re-shows the page.
    "events:attendance": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:attendance_mark": Row(
        GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
        kwargs=lambda w: {"pk": fx.event(w).pk, "registration_id": fx.event_registration(w).pk},
        data=lambda w: {"state": "present"},
    ),
    "events:attendance_walk_in": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                     kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:attendance_finish": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                    kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:attendance_pdf": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.event(w).pk}),
    "events:calendar": Row(GET=PUBLIC, POST=NOBODY),
    # events: material after an event (its organisers publish; the registered or everyone download)
    "events:material": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.event(w).pk},
                           note="An empty POST re-shows the form."),
    "events:material_delete": Row(
        GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
        kwargs=lambda w: {"pk": fx.event(w).pk, "material_id": fx.event_material(w).pk},
    ),
    "events:material_download": Row(
        GET=ADMIN_ONLY, POST=NOBODY, kwargs=lambda w: {"pk": fx.event(w).pk, "material_id": fx.event_material(w).pk},
        note="Material for those registered: also people with a confirmed place (none of the roles has one); "
             "material for everyone is public (tests/events/test_materials.py).",
    ),
    # events: each person's own calendar feed (the address is the key, so the feed itself is public)
    "events:my_feed_page": Row(GET=LOGGED_IN, POST=LOGGED_IN, note="A POST makes the person a new address."),
    "events:my_feed": Row(GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"token": fx.calendar_feed_token(w)},
                          note="Whoever holds the address; an unknown token is 404."),
    "events:feed": Row(GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"key": "inspiration_sites"}),
    # events: the participants' pages (anyone logged in may register for an event open to everyone)
    "events:event": Row(GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"pk": fx.event(w).pk},
                        note="A public event; a non-public one asks for a login, then the eligible (tests/events)."),
    "events:register": Row(GET=not_allowed(LOGGED_IN), POST=LOGGED_IN, kwargs=lambda w: {"pk": fx.event(w).pk},
                           note="An empty POST registers the person (the event asks for no school)."),
    "events:register_group": Row(
        GET=only(SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL), POST=only(SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL),
        kwargs=lambda w: {"pk": fx.event(w).pk},
        note="A school's principal or site contact, for their own school; an empty POST re-shows the form."),
    "events:registration_cancel": Row(
        GET=only(STAFF, ADMINISTRATOR), POST=only(STAFF, ADMINISTRATOR),
        kwargs=lambda w: {"pk": fx.registration(w).pk},
        note="The person until the last time to cancel; the event's organisers at any time."),
    "events:waiting_leave": Row(GET=not_allowed(LOGGED_IN), POST=only(STAFF),
                                kwargs=lambda w: {"pk": fx.waiting_registration(w).pk}),
    "events:offer_accept": Row(GET=not_allowed(LOGGED_IN), POST=only(STAFF),
                               kwargs=lambda w: {"pk": fx.offered_registration(w).pk}),
    "events:offer_decline": Row(GET=not_allowed(LOGGED_IN), POST=only(STAFF),
                                kwargs=lambda w: {"pk": fx.offered_registration(w).pk}),
    "events:mine": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN)),

    # certification: the school's application
    "certification:list": Row(
        GET=LOGGED_IN, POST=not_allowed(LOGGED_IN), note="Lists only the person's own schools' applications.",
    ),
    "certification:start": Row(
        GET=ANY_CONFIRMED_MEMBER, POST=ANY_CONFIRMED_MEMBER,
        note="A person without a confirmed membership (pending, central roles) gets a 403 page saying why.",
    ),
    "certification:detail": Row(
        GET=SCHOOL_MEMBERS_AND_CENTRAL, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"pk": fx.draft_application(w).pk},
    ),
    "certification:step": Row(
        GET=SCHOOL_MEMBERS, POST=SCHOOL_MEMBERS,
        kwargs=lambda w: {"pk": fx.draft_application(w).pk, "step": 1},
        note="The central administration reads the application but does not edit the school's draft.",
    ),
    "certification:reopen": Row(
        GET=not_allowed(LOGGED_IN), POST=SCHOOL_MEMBERS,
        kwargs=lambda w: {"pk": fx.awaiting_application(w)[0].pk},
    ),
    "certification:image_delete": Row(
        GET=not_allowed(LOGGED_IN), POST=SCHOOL_MEMBERS,
        kwargs=lambda w: {"pk": fx.draft_application(w).pk, "image_id": fx.application_image(w).pk},
    ),
    "certification:endorse": Row(
        GET=PUBLIC, POST=PUBLIC, kwargs=lambda w: {"token": fx.awaiting_application(w)[1]},
        note="The signed link is the principal's right; no account needed.",
    ),
    "certification:picture": Row(
        GET=expect(FORBIDDEN, **dict.fromkeys((STAFF, SITE_CONTACT, PRINCIPAL, *CENTRAL), OK)), POST=NOBODY,
        kwargs=lambda w: {"pk": fx.draft_application(w).pk, "image_id": fx.draft_picture(w).pk},
        note="Pictures may show pupils and have no public address: whoever may read the application "
             "(anonymous visitors get 403, not a login page: it is a picture, not a page).",
    ),
    "certification:endorse_picture": Row(
        GET=PUBLIC, POST=NOBODY,
        kwargs=lambda w: {"token": fx.awaiting_picture(w)[1], "image_id": fx.awaiting_picture(w)[0].pk},
        note="The principal's link shows the application's pictures while the link may be used.",
    ),
}


# --- The public catalogue and the sites' own pages ---
SITE_CONTACT_ONLY = only(SITE_CONTACT)

CATALOGUE_ROWS = {
    # catalogue: public
    "catalogue:index": Row(GET=PUBLIC, POST=NOBODY),
    "catalogue:site": Row(GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"pk": fx.certified_site(w).pk},
                          note="A certification that has ended (or not started) answers 404 to everyone."),
    "catalogue:leaflet": Row(GET=PUBLIC, POST=NOBODY, kwargs=lambda w: {"pk": fx.certified_site(w).pk}),
    "catalogue:picture": Row(
        GET=PUBLIC, POST=NOBODY,
        kwargs=lambda w: {"image_id": fx.certified_site(w).application.images.get().pk, "size": "thumb"},
    ),
    "catalogue:documentation_picture": Row(
        GET=expect(NOT_FOUND, **{SITE_CONTACT: OK}), POST=NOBODY,
        kwargs=lambda w: {"image_id": fx.documentation_image(w).pk, "size": "thumb"},
        note="A draft's picture: hidden (404) from all but the site's contacts; public once published.",
    ),
    # catalogue: the school's own pages
    "catalogue:mine": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN)),
    "catalogue:manage": Row(
        GET=SCHOOL_MEMBERS_AND_CENTRAL, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.certified_site(w).pk},
    ),
    "catalogue:reapply": Row(
        GET=not_allowed(LOGGED_IN), POST=SCHOOL_MEMBERS, kwargs=lambda w: {"pk": fx.certified_site(w).pk},
        note="Like applying: the school's confirmed staff; the central administration does not apply.",
    ),
    "catalogue:documentation": Row(
        GET=SITE_CONTACT_ONLY, POST=SITE_CONTACT_ONLY, kwargs=lambda w: {"pk": fx.certified_site(w).pk},
    ),
    "catalogue:documentation_picture_add": Row(
        GET=not_allowed(LOGGED_IN), POST=SITE_CONTACT_ONLY, kwargs=lambda w: {"pk": fx.certified_site(w).pk},
    ),
    "catalogue:documentation_picture_delete": Row(
        GET=not_allowed(LOGGED_IN), POST=SITE_CONTACT_ONLY,
        kwargs=lambda w: {"pk": fx.certified_site(w).pk, "image_id": fx.documentation_image(w).pk},
    ),
    "catalogue:documentation_publish": Row(
        GET=not_allowed(LOGGED_IN), POST=SITE_CONTACT_ONLY, kwargs=lambda w: {"pk": fx.certified_site(w).pk},
    ),
    # catalogue: the administration
    "catalogue:deliveries": Row(GET=CENTRAL_ONLY, POST=not_allowed(CENTRAL_ONLY)),
}
TABLE.update(CATALOGUE_ROWS)

# --- certification: the administration's casework and the director's decisions ---------------------------------
# Applications of ``world.school`` at each point of the casework. See tests/certification/casework.py.
from tests.certification import casework  # noqa: E402

CASEWORK_READERS = only(ADMINISTRATOR, DIRECTOR)
DIRECTOR_ONLY = only(DIRECTOR)

TABLE.update({
    "certification:queue": Row(GET=CASEWORK_READERS, POST=not_allowed(CASEWORK_READERS),
                               note="The director reads the casework; administrators do it."),
    "certification:case": Row(
        GET=CASEWORK_READERS, POST=not_allowed(CASEWORK_READERS),
        kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:case_start": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:contact_add": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:basis_edit": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:send_to_director": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:attachment_add": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY, kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk},
    ),
    "certification:attachment_download": Row(
        GET=CASEWORK_READERS, POST=not_allowed(CASEWORK_READERS),
        kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk, "attachment_id": casework.world_preparing(w)[1].pk},
        note="Attachments have no public address; this view is the only way to them.",
    ),
    "certification:attachment_delete": Row(
        GET=not_allowed(ADMIN_ONLY), POST=ADMIN_ONLY,
        kwargs=lambda w: {"pk": casework.world_preparing(w)[0].pk, "attachment_id": casework.world_preparing(w)[1].pk},
    ),
    "certification:decisions": Row(GET=DIRECTOR_ONLY, POST=not_allowed(DIRECTOR_ONLY)),
    "certification:decide": Row(
        GET=DIRECTOR_ONLY, POST=DIRECTOR_ONLY, kwargs=lambda w: {"pk": casework.world_sent(w).pk},
    ),
    "certification:send_back": Row(
        GET=DIRECTOR_ONLY, POST=DIRECTOR_ONLY, kwargs=lambda w: {"pk": casework.world_sent(w).pk},
    ),
    "certification:correct": Row(
        GET=DIRECTOR_ONLY, POST=DIRECTOR_ONLY, kwargs=lambda w: {"pk": casework.world_decided(w).application_id},
    ),
    "certification:decision_letter": Row(
        GET=SCHOOL_MEMBERS_AND_CENTRAL, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"pk": casework.world_decided(w).application_id, "decision_id": casework.world_decided(w).pk},
        note="The school's confirmed staff and the central administration; files have no public address.",
    ),
})

# --- visits (study visits: occasions, bookings, waiting lists) -----------------------------------------------
# The host is the certified ``world.school`` (its site contact and principal); the booking and the waiting-list
# entry are ``world.other_school``'s (booked by its staff member). See tests/visits/builders.py.
from tests.visits import builders as visits  # noqa: E402

VISIT_HOSTS = only(SITE_CONTACT, PRINCIPAL)
VISIT_HOSTS_AND_CENTRAL = only(SITE_CONTACT, PRINCIPAL, *CENTRAL)
VISITING_SCHOOL = only(OTHER_STAFF, OTHER_PRINCIPAL)

TABLE.update({
    "visits:mine": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN),
                       note="Lists only the bookings of the person's own schools."),
    "visits:free": Row(GET=PUBLIC, POST=NOBODY, note="Public: occasions with free places, no personal data."),
    "visits:site_occasions": Row(
        GET=VISIT_HOSTS_AND_CENTRAL, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:site_settings": Row(
        GET=not_allowed(LOGGED_IN), POST=VISIT_HOSTS,
        kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:occasion_create": Row(
        GET=VISIT_HOSTS, POST=VISIT_HOSTS, kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:occasion_series": Row(
        GET=VISIT_HOSTS, POST=VISIT_HOSTS, kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:occasion": Row(
        GET=VISIT_HOSTS_AND_CENTRAL, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
    ),
    "visits:occasion_edit": Row(
        GET=VISIT_HOSTS, POST=VISIT_HOSTS, kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
    ),
    "visits:occasion_cancel": Row(
        GET=VISIT_HOSTS, POST=VISIT_HOSTS, kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
    ),
    "visits:occasion_calendar": Row(
        GET=VISIT_HOSTS_AND_CENTRAL, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
    ),
    "visits:book": Row(
        GET=ANY_CONFIRMED_MEMBER, POST=ANY_CONFIRMED_MEMBER, kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
        note="Anyone who can act for a school sees the form; the service refuses a school visiting itself.",
    ),
    "visits:waiting_list_join": Row(
        GET=ANY_CONFIRMED_MEMBER, POST=ANY_CONFIRMED_MEMBER, kwargs=lambda w: {"pk": visits.world_occasion(w).pk},
    ),
    "visits:booking": Row(
        GET=only(SITE_CONTACT, PRINCIPAL, OTHER_STAFF, OTHER_PRINCIPAL, *CENTRAL), POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"pk": visits.world_booking(w).pk},
        note="The visiting school's staff, the host's site contacts and principal, and the central administration.",
    ),
    "visits:booking_cancel": Row(
        GET=only(SITE_CONTACT, PRINCIPAL, OTHER_STAFF, OTHER_PRINCIPAL),
        POST=only(SITE_CONTACT, PRINCIPAL, OTHER_STAFF, OTHER_PRINCIPAL),
        kwargs=lambda w: {"pk": visits.world_booking(w).pk},
    ),
    "visits:booking_approve": Row(
        GET=only(OTHER_PRINCIPAL), POST=only(OTHER_PRINCIPAL), kwargs=lambda w: {"pk": visits.world_booking(w).pk},
        note="Only the visiting school's principal.",
    ),
    "visits:waiting_entry": Row(
        GET=VISITING_SCHOOL, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": visits.world_waiting_entry(w).pk},
    ),
    "visits:waiting_accept": Row(
        GET=not_allowed(LOGGED_IN), POST=VISITING_SCHOOL, kwargs=lambda w: {"pk": visits.world_waiting_entry(w).pk},
    ),
    "visits:waiting_withdraw": Row(
        GET=not_allowed(LOGGED_IN), POST=VISITING_SCHOOL, kwargs=lambda w: {"pk": visits.world_waiting_entry(w).pk},
    ),
    "visits:school_settings": Row(
        GET=only(PRINCIPAL, ADMINISTRATOR), POST=only(PRINCIPAL, ADMINISTRATOR),
        kwargs=lambda w: {"school_id": w.school.pk},
        note="Whether the school's bookings need its principal's approval: its principal, or an administrator.",
    ),
    # The site's dashboard and feedback, completion, the visitors' feedback, the administration's lists.
    "visits:site_visits": Row(
        GET=VISIT_HOSTS_AND_CENTRAL, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:site_feedback": Row(
        GET=VISIT_HOSTS_AND_CENTRAL, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"certification_id": visits.world_certification(w).pk},
    ),
    "visits:booking_outcome": Row(
        GET=VISIT_HOSTS, POST=VISIT_HOSTS, kwargs=lambda w: {"pk": visits.world_completed_booking(w).pk},
        note="The host's site contacts and principal. An empty POST re-shows the form.",
    ),
    "visits:booking_outcome_undo": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": visits.world_completed_booking(w).pk},
        note="Only administrators undo a completion (it counts for money). An empty POST re-shows the form.",
    ),
    "visits:feedback": Row(
        GET=PUBLIC, POST=PUBLIC, kwargs=lambda w: {"token": visits.world_feedback_token(w)},
        note="The signed link emailed to the visitors is the right; no login. An empty POST re-shows the form.",
    ),
    "visits:all_bookings": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "visits:bookings_csv": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "visits:feedback_list": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "visits:sites_overview": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
})

# --- billing (fees, invoices, establishment support, the finance overview) ---------------------------------------
# The invoice is issued by ``world.school`` (the host: its site contacts and principal handle billing) to
# ``world.other_school`` (whose principal receives it). See tests/billing/conftest.py.


def _billing_invoice(world):
    from tests.billing.conftest import world_invoice

    return world_invoice(world)


def _billing_support(world):
    from tests.billing.conftest import world_support_payment

    return world_support_payment(world)


def _today() -> str:
    from django.utils import timezone

    return timezone.localdate().isoformat()


FINANCE_ONLY = only(FINANCE)
FINANCE_AND_ADMINISTRATORS = only(ADMINISTRATOR, FINANCE)
INVOICE_READERS = only(SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL, ADMINISTRATOR, FINANCE)

TABLE.update({
    "billing:overview": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "billing:overview_csv": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "billing:overview_xlsx": Row(GET=CENTRAL_ONLY, POST=not_allowed(LOGGED_IN)),
    "billing:invoices": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN)),
    "billing:central_run": Row(GET=FINANCE_ONLY, POST=FINANCE_ONLY, note="An empty POST re-shows the form."),
    "billing:invoice_detail": Row(
        GET=INVOICE_READERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"invoice_id": _billing_invoice(w).pk},
        note="The issuer's site contacts and principal, the recipient's principal, finance and administrators.",
    ),
    "billing:invoice_pdf": Row(
        GET=INVOICE_READERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"invoice_id": _billing_invoice(w).pk},
        note="Redirects to the invoice while the PDF job has not run yet.",
    ),
    "billing:invoice_xml": Row(
        GET=INVOICE_READERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"invoice_id": _billing_invoice(w).pk},
    ),
    "billing:invoice_mark_paid": Row(
        GET=not_allowed(LOGGED_IN), POST=FINANCE_ONLY, kwargs=lambda w: {"invoice_id": _billing_invoice(w).pk},
        data=lambda w: {"paid_on": _today()},
    ),
    "billing:school_invoices": Row(
        GET=only(SITE_CONTACT, PRINCIPAL, ADMINISTRATOR, FINANCE), POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"school_id": w.school.pk},
        note="Site contacts see what the school issued; the principal also what it received.",
    ),
    "billing:support_list": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN)),
    "billing:support_export": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN)),
    "billing:support_mark_paid": Row(
        GET=not_allowed(LOGGED_IN), POST=FINANCE_ONLY, kwargs=lambda w: {"payment_id": _billing_support(w).pk},
        data=lambda w: {f"support-{_billing_support(w).pk}-paid_on": _today()},
    ),
    "billing:settings": Row(
        GET=FINANCE_AND_ADMINISTRATORS, POST=FINANCE_AND_ADMINISTRATORS, note="An empty POST re-shows the form.",
    ),
})

# --- Data protection (inspira/privacy) ---
TABLE.update({
    "privacy:export": Row(
        GET=LOGGED_IN, POST=LOGGED_IN,
        note="Everyone logged in downloads their own personal data (POST answers with the ZIP); nobody else's.",
    ),
    "privacy:erase": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"user_id": w.users[STAFF].pk},
        note="An empty POST (the confirmation box not ticked) re-shows the page and erases nothing.",
    ),
})

# --- Benchmarking rounds (inspira/benchmarking): off by default, so each row switches it on ---
# Coordinators of the programme (no role here) have what administrators have (tests/benchmarking).
TABLE.update({
    "benchmarking:index": Row(GET=PUBLIC, POST=NOBODY, kwargs=fx.benchmarking_on,
                              note="The programme's page and its open rounds: public while the programme is on."),
    "benchmarking:round_list": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.benchmarking_on),
    "benchmarking:round_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.benchmarking_on,
                                     note="An empty POST re-shows the form."),
    "benchmarking:round_detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                                     kwargs=lambda w: {"pk": fx.benchmarking_round(w).pk}),
    "benchmarking:round_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY,
                                   kwargs=lambda w: {"pk": fx.benchmarking_round(w).pk},
                                   note="An empty POST re-shows the form."),
    "benchmarking:interest_register": Row(
        GET=ANY_CONFIRMED_MEMBER, POST=ANY_CONFIRMED_MEMBER, kwargs=lambda w: {"pk": fx.benchmarking_round(w).pk},
        note="Teachers register for a school they are confirmed at; an empty POST re-shows the form."),
    "benchmarking:mine": Row(GET=LOGGED_IN, POST=not_allowed(LOGGED_IN), kwargs=fx.benchmarking_on,
                             note="Everyone logged in sees their own registrations (perhaps none)."),
    "benchmarking:interest_withdraw": Row(
        GET=only(STAFF), POST=only(STAFF), kwargs=lambda w: {"pk": fx.benchmarking_interest(w).pk},
        note="Only the teacher who registered; another person's registration is refused (403)."),
})


# --- benchmarking: substitute costs, the closing evaluation and quotes (fx.bm_costs) ---------------------------
# The programme is off by default; fx.bm_costs switches it on. None of the roles coordinates it, so what
# coordinators do only administrators do here (tests/benchmarking cover the coordinators themselves).


def _bm(key):
    return lambda w: fx.bm_costs(w)[key]


def _bm_on(w) -> dict:
    fx.bm_costs(w)
    return {}


CLAIM_READERS = only(OTHER_PRINCIPAL, ADMINISTRATOR, FINANCE)
BM_PARTICIPANTS = only(STAFF, OTHER_STAFF)

TABLE.update({
    "benchmarking:visit_held": Row(
        GET=only(STAFF, ADMINISTRATOR), POST=only(STAFF, ADMINISTRATOR),
        kwargs=lambda w: {"visit_id": _bm("visit")(w).pk},
        note="The visit's host (the staff member) or coordinators; other members of the group are refused.",
    ),
    "benchmarking:claims_school": Row(
        GET=only(PRINCIPAL), POST=not_allowed(LOGGED_IN), kwargs=lambda w: {**_bm_on(w), "school_id": w.school.pk},
        note="The school's principal only.",
    ),
    "benchmarking:claim_create": Row(
        GET=not_allowed(LOGGED_IN), POST=only(PRINCIPAL),
        kwargs=lambda w: {"round_id": _bm("round")(w).pk, "school_id": w.school.pk},
    ),
    "benchmarking:claim_detail": Row(
        GET=CLAIM_READERS, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"claim_id": _bm("claim")(w).pk},
        note="The claim is the other school's: its principal, finance and administrators.",
    ),
    "benchmarking:claim_approve": Row(
        GET=not_allowed(LOGGED_IN), POST=FINANCE_AND_ADMINISTRATORS, kwargs=lambda w: {"claim_id": _bm("claim")(w).pk},
    ),
    "benchmarking:finance_claims": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN), kwargs=_bm_on),
    "benchmarking:finance_claims_csv": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN),
                                           kwargs=_bm_on),
    "benchmarking:finance_claims_xlsx": Row(GET=FINANCE_AND_ADMINISTRATORS, POST=not_allowed(LOGGED_IN),
                                            kwargs=_bm_on),
    "benchmarking:round_closing": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                                      kwargs=lambda w: {"round_id": _bm("round")(w).pk}),
    "benchmarking:evaluation_create": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                          kwargs=lambda w: {"round_id": _bm("round")(w).pk}),
    "benchmarking:evaluation_invite": Row(
        GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=lambda w: {"round_id": _bm("round")(w).pk},
        note="Without an evaluation the coordinator is told so on the page (a redirect).",
    ),
    "benchmarking:quotes_mine": Row(
        GET=BM_PARTICIPANTS, POST=BM_PARTICIPANTS, kwargs=lambda w: {"round_id": _bm("round")(w).pk},
        note="The round's admitted participants; an empty POST re-shows the form and stores nothing.",
    ),
    "benchmarking:quote_withdraw": Row(
        GET=not_allowed(LOGGED_IN), POST=only(STAFF), kwargs=lambda w: {"quote_id": _bm("quote")(w).pk},
        note="Only the writer (the staff member).",
    ),
    "benchmarking:quote_publish": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                      kwargs=lambda w: {"quote_id": _bm("quote")(w).pk}),
    "benchmarking:quote_unpublish": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                        kwargs=lambda w: {"quote_id": _bm("quote")(w).pk}),
})


# --- Benchmarking: the proposal, the groups, publishing and the dates (inspira/benchmarking) ---
# The programme's coordinators (none of the roles) and administrators manage a round; the members of a
# group see their own group, dates and calendar files (here the school's staff member and the other
# school's, who are in the round's one group).
_BM_MEMBERS = only(STAFF, OTHER_STAFF)


def _bm_round(world):
    return {"round_id": fx.benchmarking_published_round(world).pk}


TABLE.update({
    "benchmarking:proposal": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_bm_round),
    "benchmarking:proposal_start": Row(
        GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_bm_round,
        note="Starts the background job (after commit; the table's savepoint is rolled back)."),
    "benchmarking:proposal_status": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_bm_round),
    "benchmarking:groups": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_bm_round),
    "benchmarking:group_move": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_bm_round,
                                   note="An empty POST re-shows the groups page with the form's errors."),
    "benchmarking:group_swap": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_bm_round,
                                   note="An empty POST re-shows the groups page with the form's errors."),
    "benchmarking:round_publish": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_bm_round,
                                      note="The round is already published: the POST re-shows why not."),
    "benchmarking:participant_remove": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY,
        kwargs=lambda w: {**_bm_round(w), "interest_id": fx.benchmarking_member(w).pk},
        note="An empty POST (not confirmed) re-shows the form and removes nobody."),
    "benchmarking:date_answers": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_bm_round),
    "benchmarking:visit_move": Row(
        GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {**_bm_round(w), "visit_id": fx.benchmarking_visit(w).pk},
        note="An empty POST re-shows the form."),
    "benchmarking:my_dates": Row(GET=_BM_MEMBERS, POST=_BM_MEMBERS, kwargs=_bm_round,
                                 note="Only a member of a group of the round; an empty POST re-shows the form."),
    "benchmarking:my_leave": Row(GET=_BM_MEMBERS, POST=_BM_MEMBERS, kwargs=_bm_round,
                                 note="An empty POST (not confirmed) re-shows the form."),
    "benchmarking:my_visit_ics": Row(GET=_BM_MEMBERS, POST=not_allowed(LOGGED_IN),
                                     kwargs=lambda w: {"visit_id": fx.benchmarking_visit(w).pk}),
})

# --- Development efforts (tailor-made, seed 001) and cooperation programmes (seed 004) ----------------
# Coordinators of the programmes (no role here) have what administrators have (tests/efforts).
TABLE.update({
    "efforts:index": Row(GET=PUBLIC, POST=NOBODY, kwargs=fx.efforts_on,
                         note="The programme's page: public while the programme is on."),
    "efforts:effort_detail": Row(
        GET=only(ADMINISTRATOR, PRINCIPAL), POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"pk": fx.effort(w).pk},
        note="The centre (coordinators, administrators) and the principal of the effort's unit."),
    "cooperation:index": Row(GET=PUBLIC, POST=NOBODY, kwargs=fx.cooperation_on,
                             note="What a cooperation programme is: public while the programme is on."),
})

# --- Development efforts: the proposal clock and the centre's closed days (inspira/efforts/clock_views.py) ---
# The centre (coordinators of tailor-made development, administrators); the principal only reads the clock.
TABLE.update({
    "efforts:clock_pause": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.effort(w).pk},
                               note="An empty POST re-shows the form."),
    "efforts:clock_resume": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.effort(w).pk},
                                note="The clock is not paused: the refusal is a message on the case page."),
    "efforts:clock_extend": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.effort(w).pk},
                                note="An empty POST re-shows the form."),
    "efforts:closed_days": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.efforts_on,
                               note="An empty POST re-shows the form."),
    "efforts:closed_day_remove": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                     kwargs=lambda w: {"pk": fx.closed_day(w).pk}),
})

# --- The yearly survey of efforts in December (inspira/efforts/yearly_views.py): the centre only ------------
def _yearly(world):
    return {"year": fx.yearly_survey(world).year}


TABLE.update({
    "efforts:yearly_list": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.efforts_on,
                               note="The list with the plan form, which posts to yearly_plan."),
    "efforts:yearly_plan": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.efforts_on,
                               note="An empty POST re-shows the form with its errors."),
    "efforts:yearly_detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_yearly),
    "efforts:yearly_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_yearly,
                               note="Not sent yet; an empty POST re-shows the form with its errors."),
    "efforts:yearly_results": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.efforts_on),
    "efforts:yearly_export": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.efforts_on,
                                 note="The xlsx of the results over the years."),
})


# --- Development efforts: the proposal and the dialogue about it (inspira/efforts/proposal_views.py) ---
# fx.effort_proposal: version 1, not answered, of an effort of the school (state PROPOSAL).
_EF_PROPOSAL_READERS = only(ADMINISTRATOR, PRINCIPAL)


def _ef_proposal(world):
    return {"proposal_id": fx.effort_proposal(world).pk}


TABLE.update({
    "efforts:proposal_present": Row(
        GET=only(ADMINISTRATOR), POST=only(ADMINISTRATOR), kwargs=lambda w: {"pk": fx.effort_proposal(w).effort_id},
        note="The centre (coordinators, administrators); an empty POST re-shows the form and stores nothing."),
    "efforts:proposal_detail": Row(
        GET=_EF_PROPOSAL_READERS, POST=not_allowed(LOGGED_IN), kwargs=_ef_proposal,
        note="Whoever sees the case: the centre and the principal of the effort's unit."),
    "efforts:proposal_accept": Row(
        GET=only(PRINCIPAL), POST=only(PRINCIPAL), kwargs=_ef_proposal,
        note="The principal of the effort's unit only; the GET names the version, the POST accepts it."),
    "efforts:proposal_request_changes": Row(
        GET=only(PRINCIPAL), POST=only(PRINCIPAL), kwargs=_ef_proposal,
        note="The principal of the effort's unit only; an empty POST re-shows the form (a comment is required)."),
})


# --- Development efforts: the request, "Our efforts" and the planning meeting (inspira/efforts/request_views.py) ---
# Coordinators of tailor-made development (no role here) have what administrators have (tests/efforts).
_EFFORT = {"kwargs": lambda w: {"pk": fx.effort(w).pk}}
TABLE.update({
    "efforts:request": Row(GET=only(PRINCIPAL, OTHER_PRINCIPAL), POST=only(PRINCIPAL, OTHER_PRINCIPAL),
                           kwargs=fx.efforts_on, note="A principal asks for an effort for their own school."),
    "efforts:mine": Row(GET=only(PRINCIPAL, OTHER_PRINCIPAL), POST=not_allowed(LOGGED_IN), kwargs=fx.efforts_on,
                        note="A principal's list of their own units' efforts."),
    "efforts:withdraw": Row(GET=only(ADMINISTRATOR, PRINCIPAL), POST=only(ADMINISTRATOR, PRINCIPAL), **_EFFORT,
                            note="The effort's principal or the centre."),
    "efforts:assign_me": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, **_EFFORT),
    "efforts:planning_meeting": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, **_EFFORT),
    "efforts:planning_notes": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=lambda w: {"pk": fx.effort_met(w).pk}),
})


# --- Development efforts: the delivery, the documentation, the ending and the evaluation (seed 001, steps 6-7) ---
# The centre (coordinators, none of the roles here; administrators) leads a tailor-made effort. The unit
# (its confirmed staff, site contact and principal) reads the documentation once the effort has ended;
# the principal reads the evaluation's summary once the centre has shared it (tests/efforts).
UNIT_AND_CENTRE = only(STAFF, SITE_CONTACT, PRINCIPAL, ADMINISTRATOR)


def _ef_running(w) -> dict:
    return {"pk": fx.effort_running(w)["effort"].pk}


def _ef_session(w) -> dict:
    made = fx.effort_running(w)
    return {"pk": made["effort"].pk, "session_id": made["session"].pk}


TABLE.update({
    "efforts:session_add": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_ef_running,
                               note="An empty POST re-shows the form."),
    "efforts:session_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_ef_session,
                                note="An empty POST re-shows the form."),
    "efforts:session_cancel": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_ef_session,
                                  note="An empty POST (no reason) re-shows the form."),
    "efforts:documents": Row(
        GET=UNIT_AND_CENTRE, POST=not_allowed(LOGGED_IN), kwargs=lambda w: {"pk": fx.effort_ended(w)["effort"].pk},
        note="An ended effort: its documentation is shared with the unit (before the end: the centre only)."),
    "efforts:document_add": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_ef_running,
                                note="An empty POST re-shows the form."),
    "efforts:document_download": Row(
        GET=UNIT_AND_CENTRE, POST=not_allowed(LOGGED_IN),
        kwargs=lambda w: {"pk": fx.effort_ended(w)["effort"].pk, "document_id": fx.effort_ended(w)["document"].pk},
        note="The file of an ended effort's documentation, from private storage."),
    "efforts:effort_end": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_ef_running),
    "efforts:evaluation_summary": Row(
        GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_ef_running,
        note="Not shared yet: the centre only (the principal once it is shared, tests/efforts/test_evaluation.py)."),
    "efforts:evaluation_create": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_ef_running),
    "efforts:evaluation_invite": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=_ef_running,
                                     note="Without an evaluation the centre is told so on the case page."),
    "efforts:evaluation_share": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_ef_running,
                                    note="Before the evaluation has closed the centre is sent back with why."),
})


# --- Cooperation programmes (inspira/efforts, namespace cooperation, seed 004) ---
# The programme's coordinators (no role here) have what administrators have, and its process leaders
# see their own programmes and document their efforts (tests/efforts/test_cooperation_views.py). The
# principal of an effort's unit sees the effort (its log once it has ended).


def _coop(w) -> dict:
    return {"pk": fx.cooperation_programme(w).pk}


def _coop_effort(w) -> dict:
    return {"pk": fx.cooperation_effort(w).pk}


TABLE.update({
    "cooperation:programme_list": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.cooperation_on),
    "cooperation:programme_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.cooperation_on,
                                        note="An empty POST re-shows the form."),
    "cooperation:programme_detail": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_coop,
                                        note="The overview: those who manage the programme and its process leaders."),
    "cooperation:programme_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop,
                                      note="An empty POST re-shows the form."),
    "cooperation:programme_lessons": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_coop),
    "cooperation:programme_report_pdf": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_coop),
    "cooperation:programme_report_xlsx": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=_coop),
    "cooperation:seminar_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop,
                                      note="An empty POST re-shows the form."),
    "cooperation:effort_create": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop,
                                     note="An empty POST re-shows the form."),
    "cooperation:effort_detail": Row(GET=only(ADMINISTRATOR, PRINCIPAL), POST=not_allowed(LOGGED_IN),
                                     kwargs=_coop_effort,
                                     note="Those who lead the effort and the principal of its unit."),
    "cooperation:effort_edit": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop_effort,
                                   note="An empty POST re-shows the form."),
    "cooperation:effort_document": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop_effort,
                                       note="Those who lead the effort; an empty POST re-shows the form."),
    "cooperation:effort_end": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=_coop_effort,
                                  note="No fields: the POST is the confirmation (rolled back after each role)."),
})


# The centre's overview of the tailor-made efforts and its exports (inspira/efforts/overview_views.py).
TABLE.update({
    name: Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.efforts_on,
              note="The centre only: the programme's coordinators (tests/efforts/test_overview.py) and administrators.")
    for name in ("efforts:overview", "efforts:overview_csv", "efforts:overview_xlsx")
})


# --- panel: chats (inspira/panel/views_chats.py) ---------------------------------------------------------------
# The roles here are not panel members and lead no chat; administrators coordinate the panel, so they
# moderate and may watch. Members and leaders are tested in tests/panel/test_chats_views.py.
TABLE.update({
    "panel:chats": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_chats_on,
                       note="Members of the panel and its coordinators."),
    "panel:chat": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_chat_kwargs,
                      note="Members, leaders and moderators watch; an empty POST is an unknown action."),
    "panel:chat_feed": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_chat_kwargs),
    "panel:chat_moderate": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_chat_kwargs,
                               data=fx.panel_chat_question_data, note="Coordinators approve (rolled back)."),
    "panel:chat_lead": Row(GET=only(), POST=only(), kwargs=fx.panel_chat_kwargs,
                           note="Only the chat's leaders, and none of the roles leads it."),
    "panel:chat_transcript": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_chat_kwargs,
                                 note="Moderators before publishing; members after."),
})

# --- panel: chats, second step ---------------------------------------------------------------------------------
TABLE.update({
    "panel:chat_new": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_chats_on,
                          note="Coordinators create chats; an empty POST shows the form's errors."),
    "panel:chat_transcript_publish": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=fx.panel_ended_chat_kwargs,
                                         note="POST only (the method is checked after login); moderators publish."),
    "panel:chat_followups": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_ended_chat_kwargs,
                                data=fx.panel_followup_data,
                                note="Coordinators give owners; owners (tests/panel/test_chats_followups.py) answer."),
})

# The teacher panel's focus groups and overview (part focus: inspira/panel/views_focus.py, views_overview.py).
TABLE.update({
    "panel:overview": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_on,
                          note="The panel's coordinators (tests/panel/test_focus_overview.py) and administrators."),
    "panel:focus_groups": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_on,
                              note="The panel's coordinators and administrators."),
    "panel:focus_new": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_on,
                           note="An empty POST re-shows the form."),
    "panel:focus_group": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN),
                             kwargs=lambda w: {"pk": fx.focus_draw(w).pk}),
    "panel:focus_group_invite": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY,
                                    kwargs=lambda w: {"pk": fx.focus_draw(w).pk},
                                    note="Invites those not invited yet (rolled back after each role)."),
    "panel:focus_answer": Row(GET=only(STAFF), POST=only(STAFF),
                              kwargs=lambda w: {"pk": fx.focus_invite_of_staff(w).pk},
                              note="The invited member only; an empty POST asks to choose and redirects."),
})

# --- panel: submissions (raised questions and good examples; inspira/panel/views_submissions.py) ------
_PANEL_MEMBER = only(STAFF)  # STAFF is the one panel member of the world (fx.panel_staff_member)
_PANEL_COORDINATORS = ADMIN_ONLY  # administrators may coordinate the panel; its coordinators are tested in tests/panel
_PANEL_SUBMISSION_VIEWERS = only(STAFF, ADMINISTRATOR)  # the writer and the coordinators
TABLE.update({
    "panel:submissions": Row(GET=_PANEL_MEMBER, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_staff_member),
    "panel:submission_new": Row(GET=_PANEL_MEMBER, POST=_PANEL_MEMBER, kwargs=fx.panel_staff_member,
                                note="An empty POST re-shows the form."),
    "panel:submission": Row(GET=_PANEL_SUBMISSION_VIEWERS, POST=not_allowed(LOGGED_IN),
                            kwargs=fx.panel_submission,
                            note="Unpublished: its writer and the coordinators; published: every member too."),
    "panel:submission_support": Row(GET=not_allowed(LOGGED_IN), POST=_PANEL_MEMBER, kwargs=fx.panel_submission),
    "panel:examples": Row(GET=PUBLIC, POST=NOBODY, kwargs=fx.panel_staff_member,
                          note="The public page of the published good examples."),
    "panel:submission_queue": Row(GET=_PANEL_COORDINATORS, POST=not_allowed(LOGGED_IN),
                                  kwargs=fx.panel_staff_member),
    "panel:submission_publish": Row(GET=not_allowed(LOGGED_IN), POST=_PANEL_COORDINATORS,
                                    kwargs=fx.panel_staff_member, note="An empty POST is refused with a message."),
    "panel:submission_handle": Row(GET=_PANEL_COORDINATORS, POST=_PANEL_COORDINATORS, kwargs=fx.panel_submission,
                                   note="An empty POST re-shows the form."),
    "panel:example_publish": Row(GET=not_allowed(LOGGED_IN), POST=_PANEL_COORDINATORS,
                                 kwargs=fx.panel_submission),
    "panel:channels": Row(GET=_PANEL_COORDINATORS, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_staff_member),
})

# --- panel: members (the teacher panel's page, membership with consent; inspira/panel/views_members.py) ---
# STAFF is a member of the panel (fx.panel_members); the other confirmed teachers may join; coordinators of
# the panel (no role here, tests/panel/test_members_views.py) have what administrators have.
_PANEL_MEMBER = only(STAFF)
_PANEL_JOINERS = only(OTHER_STAFF, SITE_CONTACT, PRINCIPAL, OTHER_PRINCIPAL)
TABLE.update({
    "panel:index": Row(GET=PUBLIC, POST=NOBODY, kwargs=fx.panel_members,
                       note="The panel's page: public while the panel is on."),
    "panel:join": Row(GET=_PANEL_JOINERS, POST=_PANEL_JOINERS, kwargs=fx.panel_members,
                      note="Teachers who are not members yet; an empty POST re-shows the form."),
    "panel:membership": Row(GET=_PANEL_MEMBER, POST=_PANEL_MEMBER, kwargs=fx.panel_members,
                            note="The member's own settings; an empty POST re-shows the form."),
    "panel:renew": Row(GET=_PANEL_MEMBER, POST=_PANEL_MEMBER, kwargs=fx.panel_members,
                       note="An empty POST re-shows the form (the consent box is required)."),
    "panel:leave": Row(GET=_PANEL_MEMBER, POST=_PANEL_MEMBER, kwargs=fx.panel_members,
                       note="An empty POST re-shows the confirmation (its box is required)."),
    "panel:consent_texts": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_members,
                               note="Counts only, never names."),
    "panel:consent_text_new": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_members,
                                  note="An empty POST re-shows the form."),
})

# --- panel: short surveys (part surveys; inspira/panel/views_surveys.py) --------------------------------------
# Administrators coordinate the panel (its own coordinators: tests/panel/test_surveys_pages.py); STAFF is the
# one member of the world, invited to the closed survey (fx.panel_survey_closed).
TABLE.update({
    "panel:surveys": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_staff_member),
    "panel:survey_new": Row(GET=ADMIN_ONLY, POST=ADMIN_ONLY, kwargs=fx.panel_staff_member,
                            note="An empty POST re-shows the form."),
    "panel:survey": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_survey_draft),
    "panel:survey_draw": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=fx.panel_survey_draft,
                             note="An empty POST re-shows the survey's page with the form's errors."),
    "panel:survey_send": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=fx.panel_survey_draft,
                             note="Without the confirmation box it sends nothing and says so."),
    "panel:survey_remind": Row(GET=not_allowed(LOGGED_IN), POST=ADMIN_ONLY, kwargs=fx.panel_survey_sent,
                               note="Reminds the invited who have not answered (rolled back after each role)."),
    "panel:survey_export": Row(GET=ADMIN_ONLY, POST=not_allowed(LOGGED_IN), kwargs=fx.panel_survey_closed),
    "panel:my_surveys": Row(GET=only(STAFF), POST=not_allowed(LOGGED_IN), kwargs=fx.panel_survey_closed_list,
                            note="Members of the panel, and anyone invited to one of its surveys."),
    "panel:survey_results": Row(GET=only(STAFF), POST=not_allowed(LOGGED_IN), kwargs=fx.panel_survey_closed,
                                note="Those invited to the survey, once it has closed."),
})
