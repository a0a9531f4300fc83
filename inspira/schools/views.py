# Placeholder views; the schools helper replaces these.
from django.http import Http404


def _todo(*args, **kwargs):
    raise Http404


school_list = school_create = school_detail = school_edit = _todo
