import sys

try:
    from assay.cli.app import main
except KeyboardInterrupt:  # (a Ctrl-C while Python imports assay: no traceback)
    sys.stderr.write("assay: error: interrupted before the command began\n")
    sys.exit(130)

main()
