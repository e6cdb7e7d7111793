"""Use cases: one module each, the plain functions the commands call (log, edit, erase,
backup and restore, review, export, import, doctor, sample and demo)."""
