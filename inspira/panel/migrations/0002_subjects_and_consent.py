"""The subjects a member may name, and the first version of the consent text (the panel cannot be
joined without one). Both are data the municipality owns, written in Swedish as they are shown."""

from django.db import migrations

SUBJECTS = [
    "Svenska", "Svenska som andraspråk", "Matematik", "Engelska", "Moderna språk", "Modersmål",
    "Biologi", "Fysik", "Kemi", "Teknik", "Geografi", "Historia", "Religionskunskap", "Samhällskunskap",
    "Bild", "Musik", "Slöjd", "Idrott och hälsa", "Hem- och konsumentkunskap", "Yrkesämnen",
    "Specialpedagogik", "Förskolans verksamhet", "Fritidshemmets verksamhet",
]

CONSENT_V1 = """Jag vill vara med i Lärarpanelen.

Jag samtycker till att utbildningsförvaltningen sparar mitt namn, min e-postadress, min skolform, mitt
stadsområde och mina ämnen så länge jag är med i panelen, för att kunna bjuda in mig till korta enkäter,
chattar med ledningen och fokusgrupper.

Mina enkätsvar sparas utan koppling till mig och redovisas bara för grupper om minst fem svar. Frågor
och goda exempel som jag skickar in visas med mitt namn bara om jag själv väljer det.

Samtycket gäller i ett år. Innan det går ut får jag en påminnelse och kan förnya det. Jag kan när som
helst gå ur panelen; då tas mina väntande inbjudningar bort direkt."""


def forwards(apps, schema_editor):
    Subject = apps.get_model("panel", "Subject")
    ConsentText = apps.get_model("panel", "ConsentText")
    # Idempotent: the browser tests call this again to put the rows back after a flush.
    for n, name in enumerate(SUBJECTS, 1):
        Subject.objects.update_or_create(name=name, defaults={"position": n})
    ConsentText.objects.get_or_create(version=1, defaults={"body": CONSENT_V1})


def backwards(apps, schema_editor):
    apps.get_model("panel", "Subject").objects.all().delete()
    apps.get_model("panel", "ConsentText").objects.filter(version=1).delete()


class Migration(migrations.Migration):
    dependencies = [("panel", "0001_initial")]
    operations = [migrations.RunPython(forwards, backwards)]
