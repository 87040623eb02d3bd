"""`python -m leadline.cli`: the same as the `leadline` command (the job-worker supervisor
starts its worker this way)."""

from leadline.cli.main import main

main()
