"""Publish: the stage a build writes into and its swap into the output (stage.py, lock.py), the
manifest, the publish gate, the diff and the reports (report.html, JUnit) a build leaves beside it."""
