"""Genre Desktop: organise a music collection by how it sounds."""

__version__ = "0.1.0"
APP_NAME = "Genre Desktop"
APP_ID = "genre-desktop"
