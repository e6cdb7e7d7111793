"""What a person sees: the only package that imports Rich and questionary.

The interview (`interview`), tables and formats, the review's rendering, progress bars.
"""
