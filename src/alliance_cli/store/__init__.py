"""The journal file: the only package that speaks SQL.

`journal.open_journal` opens (and migrates) a journal; the other modules hold the queries
of one area each (sessions, continuity, review, exchange, maintenance). Nothing outside
this package touches a connection.
"""
