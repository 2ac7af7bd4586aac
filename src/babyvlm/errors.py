"""Errors a user sees as one line: bad input, bad configuration."""


class BabyVLMError(Exception):
    """An error whose message is a complete one-line reason for the user."""


class InputError(BabyVLMError):
    """A file or record that cannot be used as given."""


class ConfigError(BabyVLMError):
    """A configuration key or value that does not fit the typed config."""
