"""Identities cross-validate between ztk-idtool and the real zerotier-idtool.

Needs ZEROTIER_ONE=/path/to/zerotier-one (which acts as zerotier-idtool with -i); reports
itself skipped (exit 77) otherwise."""
import os
import subprocess
import sys
import tempfile

BUILD = os.environ.get("ZTK_BUILD", "build")
IDTOOL = os.path.join(BUILD, "tools", "ztk-idtool")
ZT1 = os.environ.get("ZEROTIER_ONE")


def run(cmd):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=120)
    return p.returncode, p.stdout + p.stderr


def main():
    if not ZT1 or not os.access(ZT1, os.X_OK):
        print("skipped: ZEROTIER_ONE is not set to a zerotier-one binary")
        return 77
    real = [ZT1, "-i"]
    failures = 0
    with tempfile.TemporaryDirectory() as d:
        for i in range(3):
            ours_s, ours_p = f"{d}/ours{i}.secret", f"{d}/ours{i}.public"
            real_s, real_p = f"{d}/real{i}.secret", f"{d}/real{i}.public"
            checks = [
                ("ztk-idtool generate", [IDTOOL, "generate", ours_s, ours_p]),
                ("zerotier-idtool generate", real + ["generate", real_s, real_p]),
                ("real validates ours", real + ["validate", ours_p]),
                ("real validates our secret", real + ["validate", ours_s]),
                ("ours validates real", [IDTOOL, "validate", real_p]),
                ("ours validates real secret", [IDTOOL, "validate", real_s]),
            ]
            for label, cmd in checks:
                rc, out = run(cmd)
                print(f"{'ok  ' if rc == 0 else 'FAIL'} {label}: {out.strip()[:100]}")
                failures += rc != 0
            # Signatures cross-verify too.
            msg = f"{d}/msg{i}"
            with open(msg, "w") as f:
                f.write("interop message %d\n" % i)
            rc, sig = run([IDTOOL, "sign", ours_s, msg])
            rc2, out = run(real + ["verify", ours_p, msg, sig.strip()])
            print(f"{'ok  ' if rc == rc2 == 0 else 'FAIL'} real verifies our signature")
            failures += not (rc == rc2 == 0)
            rc, sig = run(real + ["sign", real_s, msg])
            rc2, out = run([IDTOOL, "verify", real_p, msg, sig.strip()])
            print(f"{'ok  ' if rc == rc2 == 0 else 'FAIL'} ours verifies real signature")
            failures += not (rc == rc2 == 0)
    print(f"{failures} failures")
    return 1 if failures else 0


if __name__ == "__main__":
    sys.exit(main())
