"""ztk-sim --report: the HTML report of a run is self-contained (no network fetches) and, opened
in headless Chromium, shows the host timeline and the link plots, and its script runs (it adds
the #report-ready marker with counts computed from the embedded data)."""
import glob
import os
import re
import shutil
import subprocess
import sys
import tempfile

BUILD = os.environ.get("ZTK_BUILD", "build")
SOURCE = os.environ.get("ZTK_SOURCE", ".")
SIM = os.path.join(BUILD, "tools", "ztk-sim")
CHROMIUM_FLAGS = ["--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
                  "--disable-background-networking", "--disable-component-update", "--disable-sync"]


def chromium():
    for name in ("chromium", "chromium-browser", "google-chrome"):
        path = shutil.which(name)
        if path:
            return path
    raise AssertionError("chromium not found: scripts/bootstrap.sh installs it (Debian package "
                         "'chromium')")


def main():
    browser = chromium()
    with tempfile.TemporaryDirectory() as tmp:
        rep = os.path.join(tmp, "report")
        scenario = os.path.join(SOURCE, "scenarios", "crash_restart.py")
        p = subprocess.run([sys.executable, SIM, "run", scenario, "--report", rep],
                           capture_output=True, text=True, timeout=300)
        assert p.returncode == 0, p.stdout + p.stderr
        pages = glob.glob(os.path.join(rep, "crash_restart-seed1.html"))
        assert pages and os.path.exists(os.path.join(rep, "index.html")), os.listdir(rep)
        page = open(pages[0]).read()
        assert not re.search(r"(src|href)\s*=\s*['\"]?(https?:)?//", page), "external reference"
        dom = subprocess.run([browser] + CHROMIUM_FLAGS + ["--user-data-dir=" + os.path.join(tmp, "profile"),
                             "--dump-dom", "file://" + pages[0]], capture_output=True, text=True,
                             timeout=120).stdout
        checks = {
            "timeline svg": r'<svg class="timeline"',
            "three link plots": r'(?s)(<svg class="plot".*){3}',
            "a host row per host": r'(?s)>a</text>.*>b</text>',
            "crash and restart events": r'(?s)CRASH.*RESTART',
            "script marker": r'<div id="report-ready" data-events="[1-9]\d*" data-hosts="3" data-plots="3"',
            "event table filled by the script": r'<td>ONLINE</td><td>\d+</td>',
        }
        failed = [k for k, rx in checks.items() if not re.search(rx, dom)]
        shot = os.path.join(tmp, "shot.png")
        subprocess.run([browser] + CHROMIUM_FLAGS + ["--user-data-dir=" + os.path.join(tmp, "profile2"),
                       "--screenshot=" + shot, "--window-size=1000,1600", "file://" + pages[0]],
                       capture_output=True, timeout=120)
        if not os.path.exists(shot) or os.path.getsize(shot) < 10000:
            failed.append("screenshot")
        for k in checks:
            print("%s %s" % ("FAIL" if k in failed else "ok  ", k))
        print("%s screenshot" % ("FAIL" if "screenshot" in failed else "ok  "))
        print("%d passed, %d failed" % (len(checks) + 1 - len(failed), len(failed)))
        return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
