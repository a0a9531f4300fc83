"""The account itself, its memberships of schools and its recorded sessions."""

from django.utils.translation import gettext_lazy as _

from inspira.accounts.models import Membership, SignIn, User
from inspira.accounts.sessions import sign_ins_forget
from inspira.privacy.base import Action, Area, Category, ErasureContext, action_fields, actions, merge, row
from inspira.privacy.scrub import ANONYMOUS_NAME

ACTIONS = [Action(Membership, "confirmed_by", "confirmed_at")]


def export(user, scrubber) -> list[Category]:
    account = row(
        name=user.name, email=user.email, phone=user.phone, central_role=user.get_role_display(),
        active=user.is_active, joined=user.date_joined, email_verified=user.email_verified_at,
        last_login=user.last_login,
    )
    memberships = [
        row(school=m.school.name, role=m.get_role_display(), requested=m.requested_at, confirmed=m.confirmed_at)
        for m in Membership.objects.filter(user=user).select_related("school").order_by("requested_at", "pk")
    ]
    # Never the session key: it is a credential, not information about the person.
    sign_ins = [
        row(started=s.started_at, last_seen=s.last_seen_at, signed_in_with=s.get_method_display(),
            identity_provider=s.idp_entity_id, second_factor=s.second_factor, browser=s.browser,
            operating_system=s.operating_system)
        for s in SignIn.objects.filter(user=user).order_by("started_at", "pk")
    ]
    return [
        Category("account", _("Your account"),
                 _("Your name, email address and phone number are removed; the account can no longer be used."),
                 [account]),
        Category("memberships", _("Your schools"), _("Removed."), memberships),
        Category("sessions", _("Where you are logged in"), _("Removed, and you are logged out everywhere."),
                 sign_ins),
        Category("account_actions", _("Memberships you confirmed"),
                 _("Kept, pointing to the erased account."), actions(user, ACTIONS)),
    ]


def erase(ctx: ErasureContext) -> None:
    user = ctx.user
    ctx.counts["memberships_removed"] += Membership.objects.filter(user=user).delete()[0]
    ctx.counts["sessions_ended"] += sign_ins_forget(person=user)
    user.groups.clear()
    user.user_permissions.clear()
    user.name = ANONYMOUS_NAME
    user.email = ctx.subject.replacement_email
    user.phone = ""
    user.role = User.Role.NONE
    user.is_active = False
    user.is_staff = False
    user.is_superuser = False
    user.last_login = None
    user.set_unusable_password()
    if user.email_verified_at is None:
        # An old verification link activates an unverified account: mark it verified so it never can.
        user.email_verified_at = ctx.now
    user.save()


AREA = Area(
    name="accounts",
    export=export,
    erase=erase,
    fields=merge(
        {
            "accounts.User": ["name", "email", "phone", "password", "email_verified_at", "last_login"],
            "accounts.Membership": ["user"],
            "accounts.SignIn": ["user", "browser", "operating_system", "idp_entity_id", "started_at",
                                "last_seen_at"],
            "accounts.User_groups": ["user"],
            "accounts.User_user_permissions": ["user"],
        },
        action_fields(ACTIONS),
    ),
)
