"""The course on disk, loaded into frozen dataclasses."""
