"""attune's English dates: day before month, as the pages have always spelled them (5 December 2026).

Templates ask for a named format (``date:"DATE_FORMAT"``) so that German gets Django's own German
formats ("5. Dezember 2026"); only English is adjusted here (settings.FORMAT_MODULE_PATH).
"""

DATE_FORMAT = "j F Y"
DATETIME_FORMAT = "j F Y, H:i"
MONTH_DAY_FORMAT = "j F"
TIME_FORMAT = "H:i"
SHORT_DATE_FORMAT = "j M Y"
SHORT_DATETIME_FORMAT = "j M Y, H:i"
