"""The five programmes the product knows. The inspiration sites were the product until now, so they
start on; the four new programmes start off until an administrator switches them on."""

from django.db import migrations

KEYS = ("inspiration_sites", "benchmarking", "tailor_made", "teacher_panel", "cooperation")
ON_FROM_THE_START = {"inspiration_sites"}


def create(apps, schema_editor):
    Programme = apps.get_model("programmes", "Programme")
    for key in KEYS:
        Programme.objects.get_or_create(key=key, defaults={"is_active": key in ON_FROM_THE_START})


def remove(apps, schema_editor):
    apps.get_model("programmes", "Programme").objects.filter(key__in=KEYS).delete()


class Migration(migrations.Migration):
    dependencies = [("programmes", "0001_programmes_and_coordinators")]
    operations = [migrations.RunPython(create, remove)]
