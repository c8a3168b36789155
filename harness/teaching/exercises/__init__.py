"""Exercises: a participant gets a case's bug without its answers, fixes it, and crashcourse checks the fix
under every lens of the case (`crashcourse exercise start|run|check|hint|status|list`).

    workspace   the participant's folder: the stripped bug (harness.corpus.strip), TASK.md, the state file
    check       the participant's code as a Case through the normal pipeline, judged as the fixed twin is
    progress    done / hinted / open per workspace, a folder's status, a track's path (cases/tracks.toml)
    commands    what each command prints (cli.py parses and calls them)

docs/exercises.md is the participant's and the trainer's guide.
"""
