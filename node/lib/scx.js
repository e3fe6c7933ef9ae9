'use strict'

/**
 * `scx.processEvents(handler)`: fetches the pending SCX events, awaits `handler(event)` on
 * each, and acknowledges only the events whose handler resolved (the native `acknowledge`
 * sends them in batches of at most 100). A handler that throws or rejects leaves its event
 * unacknowledged: SCX delivers it again after its redelivery timeout (at most 10 deliveries,
 * then it is dead-lettered), so handlers must be idempotent. Repeats until a fetch brings no
 * event not seen in this call. Resolves with `{ acknowledged: string[], failed: [{ id, type,
 * error }] }`.
 *
 * It lives here, not in Rust, because the handler is a JavaScript function that may be async:
 * awaiting it is the event loop's job.
 */
module.exports = function scx(native) {
  async function processEvents(handler) {
    if (typeof handler !== 'function') {
      throw new TypeError(`handler: expected a function; found ${typeof handler}`)
    }
    const acknowledged = []
    const failed = []
    const seen = new Set()
    for (;;) {
      const fresh = (await this.events()).filter((event) => !seen.has(event.id))
      if (fresh.length === 0) return { acknowledged, failed }
      const succeeded = []
      for (const event of fresh) {
        seen.add(event.id)
        try {
          await handler(event)
          succeeded.push(event.id)
        } catch (error) {
          failed.push({ id: event.id, type: event.type, error })
        }
      }
      if (succeeded.length > 0) await this.acknowledge(succeeded)
      acknowledged.push(...succeeded)
    }
  }

  Object.defineProperty(native.ScxClient.prototype, 'processEvents', {
    configurable: true,
    writable: true,
    value: processEvents,
  })
}
