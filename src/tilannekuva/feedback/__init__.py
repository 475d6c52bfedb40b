"""Customer and staff feedback: SMS, web and kiosk answers in an operational store, never lost."""
