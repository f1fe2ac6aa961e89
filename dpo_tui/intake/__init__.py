"""Intake: an edge converter from what arrives (email files, mailboxes, IMAP, web-form exports) to plain data.

Nothing here touches the database: parsers yield `IncomingMessage` or `BadInput` objects one at a time (so a
mailbox of any size is read in constant memory) and `services/intake.py` decides what each becomes.
Every string produced here came from a requester and is hostile: it is never interpreted as markup.
"""
