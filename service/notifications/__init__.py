"""Notifications: what reaches a user in the app (the bell) and by e-mail (the outbox, sent by `sender`)."""
