'use strict'

/**
 * `Paginator` as an async iterable: `for await (const item of client.paginate('items'))`
 * walks every record, fetching each page (one native call) when the previous one is used up.
 * `pages()` walks whole pages instead.
 */
module.exports = function patchPaginator(native) {
  const proto = native.Paginator.prototype

  Object.defineProperty(proto, Symbol.asyncIterator, {
    configurable: true,
    writable: true,
    value: async function* items() {
      for (;;) {
        const page = await this.nextPage()
        if (!page) return
        yield* page.items
      }
    },
  })

  Object.defineProperty(proto, 'pages', {
    configurable: true,
    writable: true,
    value: async function* pages() {
      for (;;) {
        const page = await this.nextPage()
        if (!page) return
        yield page
      }
    },
  })

  Object.defineProperty(proto, 'toArray', {
    configurable: true,
    writable: true,
    value: async function toArray() {
      const all = []
      for await (const item of this) all.push(item)
      return all
    },
  })
}
