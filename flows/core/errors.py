"""Errors raised by flows. Bad user input is a transition, never an exception."""


class FlowError(Exception):
    """Base class for programming or data errors in flows."""


class CatalogError(FlowError):
    """The option catalog (an operator-edited data file) is malformed."""
