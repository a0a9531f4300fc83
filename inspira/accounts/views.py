# Placeholder views; the accounts helper replaces these.
from django.contrib.auth.forms import PasswordResetForm
from django.http import Http404


class OutboxPasswordResetForm(PasswordResetForm):
    pass


def _todo(*args, **kwargs):
    raise Http404


signup_choose_school = signup = signup_done = verify_email = profile = join_school = _todo
people = person_edit = school_members = membership_confirm = membership_reject = membership_set_role = _todo
