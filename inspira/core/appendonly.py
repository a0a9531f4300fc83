"""Tables whose rows are written once and never changed or deleted through the ORM.

``AppendOnlyModel`` refuses ``save()`` of a stored row and ``delete()``; its default manager's
queryset refuses ``update()`` and ``delete()`` (and so ``bulk_update()`` and ``update_or_create()``
of a stored row). Inserting (``save()`` of a new row, ``create()``, ``bulk_create()``) is all there is.

What it does not stop, on purpose:

- Django's own ``on_delete=SET_NULL`` when a referenced row (a person) is deleted: the deletion
  collector updates through ``_base_manager``, a plain manager. Deleting people is not how Inspira
  forgets them (they are anonymised), but the database must stay deletable by its owner.
- Raw SQL. Where the rows are evidence (the audit trail), a PostgreSQL trigger refuses UPDATE and
  DELETE as well; see ``inspira/core/migrations/0003_audit_append_only.py``.

certification's ``Decision`` and ``ApplicationStatusChange`` do the same by hand; they could use
these classes.
"""

from django.db import models


class AppendOnlyQuerySet(models.QuerySet):
    def update(self, **kwargs):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be changed")

    def delete(self):
        raise TypeError(f"{self.model.__name__} rows are append-only and cannot be deleted")


class AppendOnlyModel(models.Model):
    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        abstract = True

    def save(self, *, force_insert=False, force_update=False, using=None, update_fields=None):
        if not self._state.adding or force_update or update_fields is not None:
            raise TypeError(f"{type(self).__name__} rows are append-only and cannot be changed")
        # Always an INSERT: a new object given the pk of a stored row must fail, not overwrite it
        # (Django would otherwise try an UPDATE first).
        super().save(force_insert=True, using=using)

    def delete(self, *args, **kwargs):
        raise TypeError(f"{type(self).__name__} rows are append-only and cannot be deleted")
