"""The command line: a thin layer that parses, builds objects, calls the library, writes reports."""
