from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.contrib.auth import logout as auth_logout
from django.contrib.auth import update_session_auth_hash
from django.contrib.auth.decorators import login_required
from django.contrib.auth.forms import PasswordChangeForm
from django.core import signing
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from inspira.accounts import selectors, services
from inspira.accounts.forms import (
    AddMembershipForm,
    MembershipRoleForm,
    PeopleSearchForm,
    PersonForm,
    ProfileForm,
    ResendVerificationForm,
    SchoolSearchForm,
    SignupForm,
)
from inspira.accounts.models import Membership, User
from inspira.accounts.permissions import (
    administrator_required,
    can_manage_members,
    can_manage_membership,
    can_set_membership_role,
    can_view_members,
    membership_roles_for,
    require,
)
from inspira.schools.models import School

PAGE_SIZE = 25


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
        form.save()
        update_session_auth_hash(request, form.user)
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
    })


@login_required
@require_http_methods(["GET", "POST"])
def join_school(request):
    if request.method == "POST":
        school = get_object_or_404(School, pk=request.POST.get("school") or 0)
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
    page = Paginator(selectors.school_confirmed_memberships(school), PAGE_SIZE).get_page(request.GET.get("page"))
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
    page = Paginator(selectors.people_search(query), PAGE_SIZE).get_page(request.GET.get("page"))
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
    })
