"""The running system: ingest, worker, generic handler, dispatcher, timers, housekeeping."""
