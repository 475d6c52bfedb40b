"""Live control boards for clinic teams: today's backlog, waiting messages, queues, T3."""
