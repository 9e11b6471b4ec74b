"""Developer tooling: translation catalog maintenance (`make i18n`)."""
