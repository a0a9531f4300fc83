from urllib.parse import urlencode

import django_otp
from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core import signing
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render, resolve_url
from django.urls import reverse
from django.utils import translation
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts import selectors, services, sessions, two_factor
from inspira.accounts.forms import (
    AddMembershipForm,
    MembershipRoleForm,
    PeopleSearchForm,
    PersonForm,
    ProfileForm,
    RecoveryCodeForm,
    ResendVerificationForm,
    SchoolSearchForm,
    SignupForm,
    TwoFactorCodeForm,
)
from inspira.accounts.models import Membership, SignIn, User
from inspira.accounts.permissions import (
    administrator_required,
    can_manage_members,
    can_manage_membership,
    can_set_membership_role,
    can_view_members,
    membership_roles_for,
    require,
    two_factor_user_required,
)
from inspira.core.pagination import paginate
from inspira.schools.models import School


def _language() -> str:
    return translation.get_language() or settings.LANGUAGE_CODE


@require_POST
def logout(request):
    auth_logout(request)
    messages.success(request, _("You are logged out."))
    return redirect(settings.LOGOUT_REDIRECT_URL)


@login_required
@require_http_methods(["GET", "POST"])
def password_change(request):
    form = PasswordChangeForm(request.user, request.POST or None)
    if form.is_valid():
        services.password_change(form=form)
        update_session_auth_hash(request, form.user)
        # Django no longer accepts the person's other sessions; drop them and their records now, once this
        # session's record has followed its new key.
        sessions.sign_in_sync(request)
        sessions.sign_ins_forget(person=form.user, keep_session_key=request.session.session_key)
        messages.success(request, _("Your password is changed."))
        return redirect("accounts:profile")
    return render(request, "accounts/password_change.html", {"form": form})


# --- Sign-up ------------------------------------------------------------------------------

def _school_search_context(request) -> dict:
    form = SchoolSearchForm(request.GET or None)
    query = form.cleaned_data["q"].strip() if form.is_valid() else ""
    schools, more = selectors.school_search(query)
    return {"search_form": form, "query": query, "schools": schools, "more": more,
            "limit": selectors.SCHOOL_SEARCH_LIMIT}


@require_GET
def signup_choose_school(request):
    if request.user.is_authenticated:
        # A person with an account joins another school from their profile instead.
        url = reverse("accounts:join_school")
        if request.GET.get("q"):
            url += "?" + urlencode({"q": request.GET["q"]})
        return redirect(url)
    return render(request, "accounts/signup_choose_school.html", _school_search_context(request))


@require_http_methods(["GET", "POST"])
def signup(request, school_id):
    school = get_object_or_404(School, pk=school_id)
    if request.user.is_authenticated:
        return redirect("accounts:join_school")
    form = SignupForm(request.POST or None)
    if form.is_valid():
        data = form.cleaned_data
        try:
            services.signup_create(school=school, name=data["name"], email=data["email"], phone=data["phone"],
                                   password=data["password1"], language=_language())
        except services.AccountError as e:
            form.add_error("email", str(e))
        else:
            request.session["signup_email"] = data["email"]
            messages.success(request, _("Your account is created. One step left: verify your email address."))
            return redirect("accounts:signup_done")
    return render(request, "accounts/signup_form.html", {"form": form, "school": school})


@require_GET
def signup_done(request):
    return render(request, "accounts/signup_done.html", {
        "email": request.session.get("signup_email", ""),
        "valid_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
    })


@require_GET
def verify_email(request, token):
    try:
        user = services.verification_user(token)
    except signing.SignatureExpired:
        return _verify_failed(request, expired=True)
    except signing.BadSignature:
        return _verify_failed(request, expired=False)
    if services.email_verify(user=user):
        messages.success(request, _("Your email address is verified and your account is active. You can log in now."))
    else:
        messages.info(request, _("Your email address was already verified. You can log in."))
    request.session.pop("signup_email", None)
    return redirect("accounts:login")


def _verify_failed(request, *, expired: bool):
    return render(request, "accounts/verify_email_failed.html", {
        "expired": expired,
        "form": ResendVerificationForm(),
        "valid_days": max(1, settings.EMAIL_VERIFICATION_MAX_AGE // 86400),
    }, status=400)


@require_http_methods(["GET", "POST"])
def verify_resend(request):
    form = ResendVerificationForm(request.POST or None)
    if form.is_valid():
        email = form.cleaned_data["email"]
        services.verification_resend(email=email, language=_language())
        # The same words whether or not the address is known, so the form reveals nothing.
        messages.info(request, _(
            "If an account with the address %(email)s is waiting for verification, we have sent a new link to it. "
            "Check your inbox, and the spam folder."
        ) % {"email": email})
        return redirect("accounts:login")
    return render(request, "accounts/verify_resend.html", {"form": form})


# --- A person's own page ------------------------------------------------------------------------

@login_required
@require_http_methods(["GET", "POST"])
def profile(request):
    # A copy, so an invalid name never reaches the page header that shows request.user.
    form = ProfileForm(request.POST or None, instance=User.objects.get(pk=request.user.pk))
    if form.is_valid():
        services.profile_update(user=request.user, name=form.cleaned_data["name"], phone=form.cleaned_data["phone"])
        messages.success(request, _("Your details are saved."))
        return redirect("accounts:profile")
    return render(request, "accounts/profile.html", {
        "form": form,
        "memberships": selectors.person_memberships(request.user),
        "two_factor": _two_factor_status(request.user) if two_factor.required_for(request.user) else None,
    })


@login_required
@require_http_methods(["GET", "POST"])
def join_school(request):
    if request.method == "POST":
        school_id = request.POST.get("school", "")
        # Only a school picked from the list: anything else (typed, out of range) is not a school.
        if not (school_id.isdigit() and len(school_id) <= 15):
            raise Http404
        school = get_object_or_404(School, pk=int(school_id))
        try:
            services.membership_request(user=request.user, school=school)
        except services.AccountError as e:
            messages.error(request, str(e))
        else:
            messages.success(request, _(
                "You have asked to join %(school)s. The principal will confirm that you work there."
            ) % {"school": school.name})
        return redirect("accounts:profile")
    context = _school_search_context(request)
    context["my_school_ids"] = set(Membership.objects.filter(user=request.user).values_list("school_id", flat=True))
    return render(request, "accounts/join_school.html", context)


# --- A school's members ---------------------------------------------------------------------------

@login_required
@require_GET
def school_members(request, school_id):
    school = get_object_or_404(School, pk=school_id)
    require(can_view_members(request.user, school))
    can_manage = can_manage_members(request.user, school)
    waiting = list(selectors.school_waiting_memberships(school))
    page = paginate(request, selectors.school_confirmed_memberships(school)).page
    for membership in [*waiting, *page.object_list]:
        membership.school = school  # the permission checks read it; saves a query per row
        membership.may_manage = can_manage and can_manage_membership(request.user, membership)
        membership.role_choices = membership_roles_for(request.user, membership) if can_manage else []
    return render(request, "accounts/school_members.html", {
        "school": school, "can_manage": can_manage, "waiting": waiting, "page_obj": page,
    })


def _membership_for_action(request, membership_id) -> Membership:
    membership = get_object_or_404(Membership.objects.select_related("user", "school"), pk=membership_id)
    require(can_manage_membership(request.user, membership))
    return membership


@login_required
@require_POST
def membership_confirm(request, membership_id):
    membership = _membership_for_action(request, membership_id)
    if services.membership_confirm(membership=membership, actor=request.user):
        messages.success(request, _("%(name)s is confirmed at %(school)s.") % {
            "name": membership.user.name, "school": membership.school.name})
    else:
        messages.info(request, _("%(name)s was already confirmed.") % {"name": membership.user.name})
    return redirect("accounts:school_members", school_id=membership.school_id)


@login_required
@require_POST
def membership_reject(request, membership_id):
    membership = _membership_for_action(request, membership_id)
    try:
        services.membership_reject(membership=membership, actor=request.user)
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The request from %(name)s is turned down.") % {"name": membership.user.name})
    return redirect("accounts:school_members", school_id=membership.school_id)


@login_required
@require_POST
def membership_set_role(request, membership_id):
    membership = _membership_for_action(request, membership_id)
    form = MembershipRoleForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a role from the list."))
        return redirect("accounts:school_members", school_id=membership.school_id)
    role = form.cleaned_data["role"]
    require(can_set_membership_role(request.user, membership, role))
    try:
        changed = services.membership_set_role(membership=membership, role=role, actor=request.user)
    except services.AccountError as e:
        messages.error(request, str(e))
    else:
        if changed:
            messages.success(request, _("%(name)s is now %(role)s.") % {
                "name": membership.user.name, "role": Membership.Role(role).label})
        else:
            messages.info(request, _("%(name)s already had that role.") % {"name": membership.user.name})
    return redirect("accounts:school_members", school_id=membership.school_id)


# --- Administrators manage people ------------------------------------------------------------------

@administrator_required
@require_GET
def people(request):
    form = PeopleSearchForm(request.GET or None)
    query = form.cleaned_data["q"] if form.is_valid() else ""
    page = paginate(request, selectors.people_search(query)).page
    methods = selectors.sign_in_methods(page.object_list)
    for person in page.object_list:
        person.sign_in_methods = methods[person.pk]
    return render(request, "accounts/people.html", {"search_form": form, "query": query, "page_obj": page})


@administrator_required
@require_http_methods(["GET", "POST"])
def person_edit(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    which = request.POST.get("form") if request.method == "POST" else None
    person_form = PersonForm(request.POST if which == "person" else None, instance=person, prefix="person")
    membership_form = AddMembershipForm(request.POST if which == "membership" else None, prefix="membership")
    if which == "person" and person_form.is_valid():
        try:
            changed = services.person_update(person=person, role=person_form.cleaned_data["role"],
                                             is_active=person_form.cleaned_data["is_active"], actor=request.user)
        except services.AccountError as e:
            person_form.add_error(None, str(e))
        else:
            if changed:
                messages.success(request, _("The changes for %(name)s are saved.") % {"name": person.name})
            else:
                messages.info(request, _("Nothing was changed."))
            return redirect("accounts:person_edit", user_id=person.pk)
    if which == "membership" and membership_form.is_valid():
        data = membership_form.cleaned_data
        try:
            membership = services.membership_add(person=person, school=data["school"], role=data["role"],
                                                 actor=request.user)
        except services.AccountError as e:
            membership_form.add_error(None, str(e))
        else:
            messages.success(request, _("%(name)s is connected to %(school)s as %(role)s.") % {
                "name": person.name, "school": membership.school.name, "role": membership.get_role_display()})
            return redirect("accounts:person_edit", user_id=person.pk)
    return render(request, "accounts/person_edit.html", {
        "person": User.objects.get(pk=person.pk) if which == "person" else person,
        "person_form": person_form,
        "membership_form": membership_form,
        "memberships": selectors.person_memberships(person),
        "two_factor": _two_factor_status(person),
        "sign_in_methods": selectors.sign_in_methods([person])[person.pk],
    })


# --- A person's sessions (administrators) --------------------------------------------------------------------

@administrator_required
@require_GET
def person_sessions(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    return render(request, "accounts/person_sessions.html", {
        "person": person,
        "sign_in_methods": selectors.sign_in_methods([person])[person.pk],
        "sign_ins": selectors.person_sign_ins(person),
        "current_id": sessions.current_sign_in_id(request),
        "is_self": person.pk == request.user.pk,
    })


@administrator_required
@require_POST
def session_end(request, user_id, sign_in_id):
    person = get_object_or_404(User, pk=user_id)
    sign_in = SignIn.objects.filter(user=person, pk=sign_in_id).select_related("user").first()
    if sign_in is None:
        # Ended meanwhile: the person logged out, or someone else ended it.
        messages.info(request, _("That session had already ended."))
        return redirect("accounts:person_sessions", user_id=person.pk)
    try:
        sessions.sign_in_end(sign_in=sign_in, actor=request.user,
                             current_sign_in_id=sessions.current_sign_in_id(request))
    except sessions.SessionError as e:
        messages.error(request, str(e))
    else:
        messages.success(request, _("The session is ended: %(name)s is logged out of it.") % {
            "name": person.name or person.email})
    return redirect("accounts:person_sessions", user_id=person.pk)


@administrator_required
@require_POST
def sessions_end_all(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    if person.pk == request.user.pk:
        # Ending all of one's own sessions keeps the one in use: the others end, this one gets the new hash.
        sessions.sessions_end_all(person=person, actor=request.user, keep_session_key=request.session.session_key)
        update_session_auth_hash(request, person)
        messages.success(request, _("Your other sessions are ended. You are still logged in here."))
    else:
        sessions.sessions_end_all(person=person, actor=request.user)
        messages.success(request, _("All sessions of %(name)s are ended. They must log in again everywhere.") % {
            "name": person.name or person.email})
    return redirect("accounts:person_sessions", user_id=person.pk)


# --- Two-factor sign-in (central roles and Django admin users) ------------------------------------------
# The pages a person with a central role or Django admin access passes after the password; see
# two_factor.py. The middleware sends them here until the session is verified.

NEW_CODES_SESSION_KEY = "two_factor_new_codes"
NEW_CODES_NEXT_SESSION_KEY = "two_factor_new_codes_next"


def _two_factor_status(person) -> dict:
    return {
        "device": two_factor.totp_device(person),
        "codes_left": two_factor.recovery_codes_left(person),
        "required": two_factor.required_for(person),
    }


def _safe_next(request) -> str:
    """Where to go after the two-factor step: the page asked for, if it is on this site."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(candidate, allowed_hosts={request.get_host()},
                                                     require_https=request.is_secure()):
        return candidate
    return ""


def _with_next(name: str, next_url: str) -> str:
    url = reverse(name)
    return url + "?" + urlencode({"next": next_url}) if next_url else url


def _two_factor_login(request, device) -> None:
    # A new session key at the step up, as Django does at the password step.
    request.session.cycle_key()
    django_otp.login(request, device)
    # The session's record follows its new key and now says the second factor was passed.
    sessions.sign_in_sync(request, second_factor_passed=True)


def _show_new_codes(request, codes: list[str], next_url: str):
    # Kept in the session for the one page that shows them; that page removes them.
    request.session[NEW_CODES_SESSION_KEY] = codes
    request.session[NEW_CODES_NEXT_SESSION_KEY] = next_url
    return redirect("accounts:two_factor_codes")


@two_factor_user_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_verify(request):
    next_url = _safe_next(request)
    if request.user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if not two_factor.has_device(request.user):
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    form = TwoFactorCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.code_verify(user=request.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as e:
            form.add_error("code", str(e))
        else:
            _two_factor_login(request, device)
            messages.success(request, _("The code is right. You are logged in."))
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/two_factor_verify.html", {
        "form": form, "next": next_url, "issuer": settings.OTP_TOTP_ISSUER,
    })


@two_factor_user_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_recovery(request):
    next_url = _safe_next(request)
    if request.user.is_verified():
        return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    if not two_factor.has_device(request.user):
        return redirect(_with_next("accounts:two_factor_enrol", next_url))
    form = RecoveryCodeForm(request.POST or None)
    if form.is_valid():
        try:
            device = two_factor.recovery_code_verify(user=request.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as e:
            form.add_error("code", str(e))
        else:
            _two_factor_login(request, device)
            messages.warning(request, _(
                "You logged in with a recovery code, which now no longer works. Recovery codes left: %(count)d. "
                "You can make new ones on your page."
            ) % {"count": two_factor.recovery_codes_left(request.user)})
            return redirect(next_url or settings.LOGIN_REDIRECT_URL)
    return render(request, "accounts/two_factor_recovery.html", {"form": form, "next": next_url})


@two_factor_user_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_enrol(request):
    next_url = _safe_next(request)
    if two_factor.has_device(request.user):
        # Never a second device this way: with only the password, someone could otherwise add
        # their own phone instead of entering the code.
        if not request.user.is_verified():
            return redirect(_with_next("accounts:two_factor_verify", next_url))
        messages.info(request, _("Two-factor sign-in is already set up for your account."))
        return redirect("accounts:profile")
    device = two_factor.enrolment_device(request.user)
    form = TwoFactorCodeForm(request.POST or None, autofocus=False)
    if form.is_valid():
        try:
            codes = two_factor.enrolment_confirm(user=request.user, device=device, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as e:
            form.add_error("code", str(e))
        else:
            device.refresh_from_db()
            _two_factor_login(request, device)
            messages.success(request, _("Two-factor sign-in is on. Save your recovery codes now."))
            return _show_new_codes(request, codes, next_url)
    return render(request, "accounts/two_factor_enrol.html", {
        "form": form,
        "next": next_url,
        "qr_data_uri": two_factor.qr_svg_data_uri(device),
        "secret": two_factor.secret_text(device),
        "issuer": settings.OTP_TOTP_ISSUER,
    })


@two_factor_user_required
@never_cache
@require_GET
def two_factor_codes(request):
    codes = request.session.pop(NEW_CODES_SESSION_KEY, None)
    next_url = request.session.pop(NEW_CODES_NEXT_SESSION_KEY, "")
    if next_url and not url_has_allowed_host_and_scheme(next_url, allowed_hosts={request.get_host()}):
        next_url = ""
    return render(request, "accounts/two_factor_codes.html", {
        "codes": [two_factor.recovery_code_display(code) for code in codes or []],
        "next": next_url or resolve_url(settings.LOGIN_REDIRECT_URL),
    })


@two_factor_user_required
@never_cache
@require_http_methods(["GET", "POST"])
def two_factor_codes_new(request):
    if not two_factor.has_device(request.user):
        return redirect("accounts:two_factor_enrol")
    form = TwoFactorCodeForm(request.POST or None, autofocus=False)
    if form.is_valid():
        try:
            codes = two_factor.recovery_codes_renew(user=request.user, code=form.cleaned_data["code"])
        except two_factor.TwoFactorError as e:
            form.add_error("code", str(e))
        else:
            messages.success(request, _("You have new recovery codes. The old ones no longer work."))
            return _show_new_codes(request, codes, reverse("accounts:profile"))
    return render(request, "accounts/two_factor_codes_new.html", {
        "form": form, "codes_left": two_factor.recovery_codes_left(request.user),
    })


@administrator_required
@require_POST
def two_factor_reset(request, user_id):
    person = get_object_or_404(User, pk=user_id)
    try:
        done = two_factor.two_factor_reset(person=person, actor=request.user)
    except two_factor.TwoFactorError as e:
        messages.error(request, str(e))
    else:
        if done:
            messages.success(request, _(
                "Two-factor sign-in for %(name)s is reset. They set up their authenticator app again "
                "the next time they log in."
            ) % {"name": person.name})
        else:
            messages.info(request, _("%(name)s has no two-factor sign-in to reset.") % {"name": person.name})
    return redirect("accounts:person_edit", user_id=person.pk)
