"""The user's files outside the journal: where things are, the config file, the prompt set
loaded from YAML, the watch-list, and the one private atomic file writer."""
