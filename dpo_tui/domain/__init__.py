"""Pure rules of casework: no I/O, no Textual, no SQL. Importable in milliseconds."""
