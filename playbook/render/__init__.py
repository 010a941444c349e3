"""Pure renderers: validated model in, Markdown, HTML or DOT text out. No MkDocs imports."""
