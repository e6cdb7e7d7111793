"""Pure rules of the journal: no I/O, no SQL, no terminal.

The prompt set's model and its roles, answers and their checking, dates and periods,
drafts, continuity, the review's model and rules, the privacy guard's patterns. Everything
above imports from here; this package imports nothing of alliance but `errors`.
"""
