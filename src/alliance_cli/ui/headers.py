"""Short column headers for the ratings, in every view that shows them (no Rich here: the
recap before a log's first question uses them without loading it)."""

# Short column headers for the principles of the built-in prompt set; any other principle
# is headed by its id. Which principles there are comes from the prompt set (`core.vocabulary`).
SHORT_HEADERS = {
    "empathy": "Emp",
    "respect": "Resp",
    "genuineness": "Gen",
    "positive_regard": "UPR",
    "active_listening": "Listen",
}


# Your read of the client and their own score, when `list` shows them (`Roles.client_columns`).
CLIENT_HEADERS = {"client_view": "Read", "client_score": "Score"}


def rating_header(principle: str) -> str:
    return SHORT_HEADERS.get(principle, principle)
