# Django's own Swedish formats, except where a page needs a shorter date. "M" would capitalise the
# month ("Dec"); Swedish writes abbreviated months in lower case, which "b" gives: "tis 8 dec 2026".
SHORT_DATE_FORMAT = "D j b Y"
