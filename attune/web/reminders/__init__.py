"""Reminders a member chooses: none by default, at most one a day, never in their quiet hours, in
their own time zone; as a notification on their device (Web Push) or as a short e-mail."""
