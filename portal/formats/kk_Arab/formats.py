"""Kazakh in Arabic script. Django has no formats for `kk`, so its defaults ("N j, Y") took the month's name from
Django's Cyrillic Kazakh catalogue ("Жел. 2, 2026"). Numeric dates, as the portal writes them elsewhere, need no
month names at all."""

DATE_FORMAT = "Y-m-d"
TIME_FORMAT = "H:i"
DATETIME_FORMAT = "Y-m-d H:i"
YEAR_MONTH_FORMAT = "Y-m"
MONTH_DAY_FORMAT = "m-d"
SHORT_DATE_FORMAT = "Y-m-d"
SHORT_DATETIME_FORMAT = "Y-m-d H:i"
FIRST_DAY_OF_WEEK = 1
DECIMAL_SEPARATOR = "."
THOUSAND_SEPARATOR = ","
NUMBER_GROUPING = 3
