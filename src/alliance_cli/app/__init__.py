"""Use cases: one module each, the plain functions the commands call (log, edit, erase,
backup and restore, review, export, import, doctor, sample and demo).

Two modules serve them all: `conversation` (the one object a flow talks to the person
through, and how a stop ends it) and `answering` (what log and edit share); `editing` keeps
the files behind an answer written in $EDITOR private and their text in the draft."""
