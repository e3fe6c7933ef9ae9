'use strict'

/**
 * Where the app remembers the tenants that finished the setup. A JSON file here (or memory
 * only); a real app would use its database. Nothing secret is stored: the app's own client
 * credentials reach every tenant's ERP data, the tenant id says which one.
 */
const fs = require('node:fs')

class TenantStore {
  /** @param {string | undefined} file JSON file to keep the tenants in; memory only if unset */
  constructor(file) {
    this.file = file
    this.tenants = new Map()
    if (file && fs.existsSync(file)) {
      for (const tenant of JSON.parse(fs.readFileSync(file, 'utf8'))) this.tenants.set(tenant.tenantId, tenant)
    }
  }

  get(tenantId) {
    return this.tenants.get(tenantId) || null
  }

  save(tenant) {
    this.tenants.set(tenant.tenantId, tenant)
    if (this.file) fs.writeFileSync(this.file, JSON.stringify([...this.tenants.values()], null, 2))
    return tenant
  }

  list() {
    return [...this.tenants.values()]
  }
}

module.exports = { TenantStore }
