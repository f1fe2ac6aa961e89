"""The verbs of casework. Each public call is one transaction with its audit event, and returns plain data."""
