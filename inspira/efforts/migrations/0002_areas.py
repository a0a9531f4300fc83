"""The development areas a newcomer starts with: those of seed 004 (Samverkan för bästa skola).
The municipality's own names, so in Swedish; coordinators add, rename and retire areas."""

from django.db import migrations

AREAS = [
    "Struktur och organisation",
    "Undervisningsnära utveckling",
    "Språkutvecklande arbetssätt",
    "Kollegialt lärande",
    "Elevhälsoprocesser",
]


def add_areas(apps, schema_editor):
    Area = apps.get_model("efforts", "Area")
    for position, name in enumerate(AREAS):
        Area.objects.get_or_create(name=name, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("efforts", "0001_initial")]

    operations = [migrations.RunPython(add_areas, migrations.RunPython.noop)]
