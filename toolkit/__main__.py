"""``python -m toolkit`` is the ``support-toolkit`` command."""

from toolkit.cli import main

if __name__ == "__main__":
    main()
