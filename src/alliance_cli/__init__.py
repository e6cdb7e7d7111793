"""alliance: a private reflection journal for clinicians."""

__version__ = "0.1.0"
