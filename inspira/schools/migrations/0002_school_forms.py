from django.db import migrations

CODES = [
    "forskola", "forskoleklass", "grundskola", "anpassad_grundskola",
    "gymnasieskola", "anpassad_gymnasieskola", "fritidshem", "komvux",
]


def create_school_forms(apps, schema_editor):
    SchoolForm = apps.get_model("schools", "SchoolForm")
    for position, code in enumerate(CODES):
        SchoolForm.objects.update_or_create(code=code, defaults={"position": position})


class Migration(migrations.Migration):
    dependencies = [("schools", "0001_initial")]
    operations = [migrations.RunPython(create_school_forms, migrations.RunPython.noop)]
