"""The rule files of alkextract (data, not code): see README.md beside this file."""
