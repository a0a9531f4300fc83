"""A proposal's run time in whole milliseconds (an integer), not a float of seconds."""

from django.db import migrations, models


def seconds_to_ms(apps, schema_editor):
    Proposal = apps.get_model("benchmarking", "Proposal")
    for proposal in Proposal.objects.exclude(seconds=None).only("pk", "seconds"):
        Proposal.objects.filter(pk=proposal.pk).update(duration_ms=round(proposal.seconds * 1000))


class Migration(migrations.Migration):

    dependencies = [
        ("benchmarking", "0001_initial"),
    ]

    operations = [
        migrations.AddField(
            model_name="proposal",
            name="duration_ms",
            field=models.PositiveIntegerField(blank=True, null=True, verbose_name="duration (ms)"),
        ),
        migrations.RunPython(seconds_to_ms, migrations.RunPython.noop),
        migrations.RemoveField(
            model_name="proposal",
            name="seconds",
        ),
    ]
