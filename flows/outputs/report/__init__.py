"""The council report (redovisning): data, sections, HTML, charts and PDF."""
