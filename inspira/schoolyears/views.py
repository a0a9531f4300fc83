# Placeholder views; the schools helper replaces these.
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


school_year_list = fee_rule_create = fee_rule_edit = _todo
