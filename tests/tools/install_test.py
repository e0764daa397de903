"""`cmake --install` gives a usable package: headers, libztkit.so, ztkit.pc and a CMake package
config. A program built with `pkg-config ztkit` and one built with `find_package(ztkit)` both
link and run against the installed library."""
import os
import shutil
import subprocess
import sys
import tempfile
import unittest

BUILD = os.environ.get("ZTK_BUILD", "build")
# The instrumentation the library was built with (sanitizers, coverage), which its users need too.
USER_FLAGS = os.environ.get("ZTK_USER_FLAGS", "").split()
PROGRAM = r'''
#include <stdio.h>
#include <string.h>
#include "ztkit/error.h"
#include "ztkit/identity.h"
int main(void) {
  ztk_identity id;
  int rc = ztk_identity_from_string(&id, "ffe8197bb7:0:00");
  printf("%s\n", ztk_errname(rc));
  return rc == ZTK_EID_RESERVED ? 0 : 1;
}
'''


def run(cmd, **kw):
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=600, **kw)
    if p.returncode:
        raise AssertionError(f"{cmd} failed: {p.stdout}\n{p.stderr}")
    return p.stdout


class InstallTest(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        cls.tmp = tempfile.mkdtemp()
        cls.prefix = os.path.join(cls.tmp, "prefix")
        run(["cmake", "--install", BUILD, "--prefix", cls.prefix])
        libdir = [d for d in ("lib", "lib64", "lib/x86_64-linux-gnu")
                  if os.path.exists(os.path.join(cls.prefix, d, "pkgconfig", "ztkit.pc"))]
        assert libdir, "ztkit.pc not installed"
        cls.libdir = os.path.join(cls.prefix, libdir[0])
        with open(os.path.join(cls.tmp, "prog.c"), "w") as f:
            f.write(PROGRAM)

    @classmethod
    def tearDownClass(cls):
        shutil.rmtree(cls.tmp)

    def env(self):
        e = dict(os.environ)
        e["PKG_CONFIG_PATH"] = os.path.join(self.libdir, "pkgconfig")
        e["LD_LIBRARY_PATH"] = self.libdir
        return e

    def test_headers_and_library_installed(self):
        self.assertTrue(os.path.exists(os.path.join(self.prefix, "include", "ztkit", "node.h")))
        self.assertTrue(any(n.startswith("libztkit.so") for n in os.listdir(self.libdir)))

    def test_pkg_config(self):
        flags = run(["pkg-config", "--cflags", "--libs", "ztkit"], env=self.env()).split()
        exe = os.path.join(self.tmp, "prog_pc")
        run(["cc", os.path.join(self.tmp, "prog.c"), "-o", exe] + USER_FLAGS + flags, env=self.env())
        self.assertEqual(run([exe], env=self.env()).strip(), "ZTK_EID_RESERVED")

    def test_cmake_package(self):
        proj = os.path.join(self.tmp, "proj")
        os.makedirs(proj, exist_ok=True)
        shutil.copy(os.path.join(self.tmp, "prog.c"), proj)
        with open(os.path.join(proj, "CMakeLists.txt"), "w") as f:
            f.write("cmake_minimum_required(VERSION 3.22)\nproject(user C)\n"
                    "find_package(ztkit REQUIRED)\nadd_executable(prog prog.c)\n"
                    "target_link_libraries(prog PRIVATE ztkit::ztkit)\n")
        bdir = os.path.join(proj, "build")
        run(["cmake", "-S", proj, "-B", bdir, f"-DCMAKE_PREFIX_PATH={self.prefix}",
             "-DCMAKE_C_FLAGS=" + " ".join(USER_FLAGS),
             "-DCMAKE_EXE_LINKER_FLAGS=" + " ".join(USER_FLAGS)], env=self.env())
        run(["cmake", "--build", bdir], env=self.env())
        self.assertEqual(run([os.path.join(bdir, "prog")], env=self.env()).strip(),
                         "ZTK_EID_RESERVED")


if __name__ == "__main__":
    unittest.main(verbosity=2)
