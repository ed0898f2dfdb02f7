"""Background jobs: a database record of each job's state, progress and result, run by
`flask jobs worker` from the queue (app/queue.py). Packages register a handler per job kind."""
