import sys

from docai.cli.main import main

sys.exit(main())
