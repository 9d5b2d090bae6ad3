"""Date and number formats for locales Django has none for (settings.FORMAT_MODULE_PATH)."""
