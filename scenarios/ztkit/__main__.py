"""python3 -m ztkit: the ztk-sim runner."""
import sys

from ztkit.runner import main

sys.exit(main())
