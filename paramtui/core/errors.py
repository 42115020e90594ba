"""One exception type for every mistake a user can make.

The CLI turns it into one line on stderr and exit status 2; the TUI shows it at the field
or in a notification. Anything else escaping the core is a bug in paramtui.
"""


class UserError(ValueError):
    """A problem with what the user gave us (a file, an id, a size), in one readable line."""
