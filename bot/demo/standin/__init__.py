"""An in-memory Bot API that answers any method generically, for the demo (not for tests: those
use tests/fakes, which checks every call against the Bot API spec and Telegram's limits)."""
