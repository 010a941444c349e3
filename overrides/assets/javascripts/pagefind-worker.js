/*
 * Material for MkDocs' search box, answered by Pagefind.
 *
 * Material runs its search in a web worker named by `__config.search` (overrides/main.html
 * names this file when mkdocs.yml's `extra.search_engine` is `pagefind`) and talks to it with
 * four messages (Material 9.8, src/.../integrations/search/worker/message):
 *
 *   SETUP (0)  page -> worker  {config, docs, options}: the minimal search_index.json, no docs
 *   READY (1)  worker -> page  the worker can take queries
 *   QUERY (2)  page -> worker  the text in the search box, on every key
 *   RESULT (3) worker -> page  {items: SearchItem[][]}: per page, the page and its sections,
 *                              each {location, title, text, score, terms}
 *
 * Pagefind (pagefind/pagefind.js at the site root, built by playbook/site/pagefind.py) loads
 * only the index chunks a query needs and, through data(), one fragment per page shown: so
 * this worker asks data() only for the best RESULTS pages, and searches only once typing
 * pauses. Pagefind is loaded on the first query, not on page load.
 *
 * Material inserts `title` and `text` as HTML. Titles are data (a task, a role, a heading) and
 * are escaped here; Pagefind's excerpts are escaped text with <mark> around matches, and any
 * other markup in them is escaped too, so that hostile data stays text whatever Pagefind does.
 */

"use strict"

const SETUP = 0
const READY = 1
const QUERY = 2
const RESULT = 3

/** How many pages a result lists (each costs a fragment download). */
const RESULTS = 10

/** Milliseconds a query waits for the next key before it is searched: Material sends one
 * per key, and each search would load its own fragments. */
const PAUSE = 150

/** The site root: this file is served from <root>/assets/javascripts/. */
const ROOT = new URL("../../", self.location.href)

let pagefind = null
let latest = 0

/** Escape text for insertion as HTML. */
function escapeHTML(value) {
  return String(value).replace(/[&<>"']/g, char => ({
    "&": "&amp;", "<": "&lt;", ">": "&gt;", "\"": "&quot;", "'": "&#39;"
  })[char])
}

/** A Pagefind excerpt with nothing but text and <mark>: any other tag is escaped. */
function excerptHTML(value) {
  return String(value || "")
    .split(/(<\/?mark>)/)
    .map((part, i) => i % 2 ? part : part.replace(/</g, "&lt;").replace(/>/g, "&gt;"))
    .join("")
}

/** A Pagefind URL (from the site root, `/process/build/#task`) relative to the root. */
function fromRoot(url) {
  return String(url).replace(/^\/+/, "")
}

/** Pagefind, imported on first use. */
async function load() {
  if (pagefind === null) {
    pagefind = await import(new URL("pagefind/pagefind.js", ROOT).href)
    await pagefind.options({ excerptLength: 30 })
    await pagefind.init()
  }
  return pagefind
}

/** How much of a sub-result's text matched, for ordering the sections of a page. */
function weight(sub) {
  return (sub.weighted_locations || [])
    .reduce((sum, found) => sum + (found.balanced_score || found.weight || 1), 0)
}

/** Whether a sub-result is the page itself: its top, or its title (h1). */
function isPage(sub, page) {
  return !sub.anchor || sub.anchor.element === "h1" || fromRoot(sub.url) === page
}

/** One Pagefind result as Material's group: the page's sections, best first, then the page. */
function group(data, score, terms) {
  const page = fromRoot(data.url)
  const article = {
    location: page,
    title: escapeHTML(data.meta && data.meta.title || page),
    text: excerptHTML(data.excerpt),
    score,
    terms
  }
  const sections = (data.sub_results || [])
    .filter(sub => !isPage(sub, page))
    .map(sub => ({ sub, weight: weight(sub) }))
    .sort((a, b) => b.weight - a.weight)
  if (!sections.length)
    return [article]
  const best = sections[0].weight || 1
  return [
    ...sections.map(({ sub, weight }) => ({
      location: fromRoot(sub.url),
      title: escapeHTML(sub.title),
      text: excerptHTML(sub.excerpt),
      score: score * weight / best,
      terms
    })),
    article
  ]
}

/** Material's result for `query`, or null when a newer query came in meanwhile. */
async function search(query, id) {
  const words = query.trim().split(/\s+/).filter(Boolean)
  if (!words.length)
    return { items: [] }
  await new Promise(resolve => setTimeout(resolve, PAUSE))
  if (id !== latest)
    return null
  const engine = await load()
  const found = await engine.search(query)
  if (id !== latest || !found)
    return null
  const terms = Object.fromEntries(words.map(word => [word.toLowerCase(), true]))
  const shown = found.results.slice(0, RESULTS)
  const pages = await Promise.all(shown.map(result => result.data()))
  if (id !== latest)
    return null
  return {
    items: pages.map((data, i) => group(data, shown[i].score, terms))
  }
}

addEventListener("message", async event => {
  const message = event.data
  switch (message.type) {
    case SETUP:
      postMessage({ type: READY })
      break
    case QUERY: {
      const id = ++latest
      let data
      try {
        data = await search(String(message.data || ""), id)
      } catch (err) {
        console.warn(`Search failed for ${JSON.stringify(message.data)}:`, err)
        data = id === latest ? { items: [] } : null
      }
      if (data !== null)
        postMessage({ type: RESULT, data })
      break
    }
    default:
      break
  }
})
