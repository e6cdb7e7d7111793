"""What a person sees: the only package that imports Rich and questionary.

The conversation a command holds at the terminal (`terminal`, asking through `interview`),
tables and formats, the review's rendering, progress bars.
"""
