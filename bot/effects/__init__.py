"""One handler per flow effect: what the adapter does when a flow asks for it."""
