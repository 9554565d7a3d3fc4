"""Accounts: people, organisations, passwords, links, sessions and who may see what.

Also throttling, the audit log and the outbox of messages to send.
May import surveyapp.frameworks and surveyapp.storage.
"""
