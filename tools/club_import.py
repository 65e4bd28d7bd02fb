"""``./club import FILE``: run inside ``odoo-bin shell`` (``env`` is given), with
the options as JSON in CLUB_IMPORT_ARGS.

The file goes through the same job as the back office's Import screen: read the
columns, map them (the template's choices, else the usual titles), the dry run,
the error file next to the input, then the batches, each committed on its own,
so that an interrupted run (Ctrl-C, a killed process) resumes after its last
committed batch when the same command is given again.
"""

import base64
import json
import os
import sys
import time
from pathlib import Path

# ``env`` is the Odoo shell's environment
env = globals()["env"]
ARGS = json.loads(os.environ["CLUB_IMPORT_ARGS"])


def say(text):
    print(text, flush=True)


def find_job(Job, path):
    """An import of this file left running or stopped: it is resumed."""
    if ARGS.get("resume"):
        job = Job.browse(int(ARGS["resume"])).exists()
        if not job:
            raise SystemExit(f"import: no import job #{ARGS['resume']}")
        return job
    if ARGS.get("fresh"):
        return Job
    return Job.search(
        [
            ("filename", "=", path.name),
            ("kind", "=", ARGS["kind"]),
            ("state", "in", ("running", "failed")),
        ],
        order="id desc",
        limit=1,
    )


def new_job(Job, path):
    program = env["loyalty.club.program"]
    if ARGS.get("program"):
        program = program.browse(int(ARGS["program"])).exists()
    else:
        program = program.search([], limit=1)
    if not program:
        raise SystemExit("import: no loyalty program in this database")
    template = env["loyalty.club.import.template"]
    if ARGS.get("template"):
        template = template.search(
            ["|", ("name", "=", ARGS["template"]), ("source", "=", ARGS["template"])],
            limit=1,
        )
        if not template:
            raise SystemExit(f"import: no import template {ARGS['template']!r}")
    vals = {
        "name": path.name,
        "kind": ARGS["kind"],
        "program_id": program.id,
        "template_id": template.id,
        "source": ARGS.get("source") or template.source or False,
        "file": base64.b64encode(b"-"),  # the file itself below, in chunks
        "filename": path.name,
        "batch_size": ARGS.get("batch_size") or 1000,
    }
    if ARGS.get("date"):
        vals["import_date"] = ARGS["date"]
    job = Job.create(vals)
    job._attach_path(path)
    job.action_read_columns()
    mapped = {c.name: c.target for c in job.column_ids if c.target}
    say(f"columns: {json.dumps(mapped, ensure_ascii=False)}")
    return job


def dry_run(job, path):
    start = time.monotonic()
    job.action_dry_run()
    seconds = time.monotonic() - start
    rate = job.rows_total / seconds if seconds else 0
    say(
        f"dry run: {job.rows_total} rows in {seconds:.1f} s ({rate:.0f} rows/s): "
        f"{job.rows_ok} to import, {job.rows_rejected} rejected, {job.rows_left} left"
    )
    if job.kind == "members":
        say(
            f"members to create {job.to_create}, to update {job.to_update}; "
            f"balances to carry {job.balance_total:.2f}, carried before "
            f"{job.balances_left} ({job.balances_differ} differ from the file: "
            "left as carried)"
        )
    elif job.kind == "checks":
        say(f"checks to import {job.checks_total}")
    env.cr.execute(
        "SELECT reason_code, count(*) FROM loyalty_club_import_row "
        "WHERE job_id = %s AND state = 'rejected' GROUP BY 1 ORDER BY 2 DESC",
        [job.id],
    )
    for code, count in env.cr.fetchall():
        say(f"  {code}: {count}")
        if code == "unknown_discount":
            say(
                "  (map the old discount levels to tiers in a template, Loyalty "
                "Club > Configuration > Import > Templates, and pass --template)"
            )
    if job.error_file:
        errors = path.with_name(f"{path.stem}-errors.csv")
        errors.write_bytes(base64.b64decode(job.error_file))
        say(f"error file: {errors}")


def run(job):
    job.write({"state": "running", "last_error": False})
    if not job.started_at:
        job.started_at = job.env.cr.now()
    env.cr.commit()
    while job._run(max_batches=1):
        env.cr.commit()  # each batch on its own: a resume starts after it
        say(
            f"batch {job.last_batch}/{job.batches_total}: {job.rows_done}/"
            f"{job.rows_ok} rows, {job.rate:.0f} rows/s, left {job.time_left or '-'}"
        )
    env.cr.commit()
    if job.state == "failed":
        say(f"stopped: {job.last_error}")
        return 1
    say(
        f"imported: {job.rows_done} rows in {job.seconds:.1f} s "
        f"({job.rate:.0f} rows/s); job #{job.id}"
    )
    return 0


def main():
    path = Path(ARGS["file"])
    Job = env["loyalty.club.import.job"]
    job = find_job(Job, path)
    if job:
        say(
            f"resuming import #{job.id} of {path.name} after batch "
            f"{job.last_batch}/{job.batches_total}"
        )
    else:
        job = new_job(Job, path)
        dry_run(job, path)
        env.cr.commit()
    if ARGS.get("dry_run"):
        return 0
    return run(job)


try:
    CODE = main()
except KeyboardInterrupt:
    env.cr.rollback()
    say("interrupted: the same command resumes after the last committed batch")
    CODE = 130
except Exception as exc:  # a UserError and the like: one sentence, no traceback
    env.cr.rollback()
    say(f"import failed: {exc}")
    CODE = 2
sys.stdout.flush()
os._exit(CODE)
