"""Persistence: SQLModel tables, the engine (SQLite or PostgreSQL), migrations and the queue's queries."""
