"""Infrastructure every part uses: settings, clock, keys, translations, logging."""
