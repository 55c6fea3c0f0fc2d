"""Static research-digest generator.

Pipeline, one direction: load → format → chart → render → site. Each stage is a
module that imports only the stages before it; nothing before ``site`` imports MkDocs.
"""

__version__ = "0.1.0"
