# The short date of tables and lists: "Tue 8 Dec 2026" (Django's default for English is "m/d/Y").
SHORT_DATE_FORMAT = "D j M Y"
