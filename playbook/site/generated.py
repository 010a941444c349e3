"""How generated pages reach MkDocs without their data text ever being read as a template.

The hooks hand MkDocs a :class:`GeneratedFile` holding only front matter and the hand-written
chapter; the page's generated Markdown rides along on the file and is added after
mkdocs-macros ran. The hand-written pages themselves do go through Jinja, in a sandbox
(:func:`sandbox_macros`): a page can call macros and read variables, not reach Python.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from jinja2.sandbox import SandboxedEnvironment
from mkdocs.structure.files import File

from playbook.render.pages import edit_uri_of

if TYPE_CHECKING:
    from mkdocs.config.defaults import MkDocsConfig

    from playbook.render.pages import Page


class GeneratedFile(File):
    """A generated page's file: its template text, plus the page that completes it.

    Attributes:
        playbook_page: The generated page, whose :meth:`~playbook.render.pages.Page.body` is
            added to the Markdown after mkdocs-macros ran.
        has_chapter: Whether a hand-written chapter is merged in (its rendered Markdown then
            goes into the page's chapter slot).
    """

    playbook_page: Page | None = None
    has_chapter: bool = False

    @classmethod
    def for_page(
        cls, config: MkDocsConfig, page: Page, chapter_uri: str | None, chapter: str | None
    ) -> GeneratedFile:
        """The file of ``page``, merging in the hand-written ``chapter`` (its Markdown, from
        ``chapter_uri``) if any: see :meth:`hold`."""
        new = cls.generated(config, page.src_uri, content="")
        assert isinstance(new, GeneratedFile)  # generated() builds a cls
        new.hold(page, chapter_uri, chapter)
        return new

    def hold(self, page: Page, chapter_uri: str | None, chapter: str | None) -> None:
        """Make this the file of ``page``, or of a newer version of it: its template text
        (:meth:`Page.template`, with the ``chapter`` merged in), the page that completes it,
        and the edit link of the page or its chapter (``chapter_uri``)."""
        self.content_string = page.template(chapter)
        self.playbook_page = page
        self.has_chapter = chapter_uri is not None
        self.edit_uri = edit_uri_of(page, chapter_uri)


class DownloadFile(File):
    """A generated file offered for download as is (a blank template): copied, never rendered
    and never read by mkdocs-macros, although its name ends in ``.md``."""

    def is_documentation_page(self) -> bool:
        """Never a page, so MkDocs copies it like any static file."""
        return False


def sandboxed(env: Any) -> SandboxedEnvironment:
    """A Jinja sandbox with the same delimiters, loader, globals, filters and tests as ``env``."""
    box = SandboxedEnvironment(
        loader=env.loader,
        undefined=env.undefined,
        block_start_string=env.block_start_string,
        block_end_string=env.block_end_string,
        variable_start_string=env.variable_start_string,
        variable_end_string=env.variable_end_string,
        comment_start_string=env.comment_start_string,
        comment_end_string=env.comment_end_string,
        autoescape=env.autoescape,
    )
    box.globals.update(env.globals)
    box.filters.update(env.filters)
    box.tests.update(env.tests)
    return box


def sandbox_macros(plugin: Any) -> None:
    """Swap mkdocs-macros' Jinja environment for a sandboxed copy (after its ``on_config``).

    Hand-written pages are hostile input too: in a plain environment,
    ``{{ cycler.__init__.__globals__.os }}`` reaches the shell. The sandbox refuses attributes
    starting with ``_`` and other unsafe calls, failing the build instead.
    """
    env = getattr(plugin, "_env", None)
    if env is not None and not isinstance(env, SandboxedEnvironment):
        plugin._env = sandboxed(env)
