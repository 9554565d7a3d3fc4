"""`python -m bench`: run every benchmark and print the results table."""
import sys

from bench.run_all import main

sys.exit(main())
