"""Printing: documents, layout, ESC/POS bytes, previews and transports (issue 3). No Textual."""
