package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertFalse
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import org.junit.jupiter.api.io.TempDir
import java.nio.file.Path

class AccountsAndOtherSystemsTest {
    /** Runs one SQL statement on the database file in another process (python3's sqlite3),
     *  as anyone with write access but no master key can; returns the rows as JSON. */
    private fun sql(db: Path, query: String, vararg params: String): String {
        val script = "import json, sqlite3, sys\nc = sqlite3.connect(sys.argv[1])\n" +
            "rows = c.execute(sys.argv[2], sys.argv[3:]).fetchall()\nc.commit()\nprint(json.dumps(rows))"
        val process = ProcessBuilder(listOf("python3", "-c", script, db.toString(), query) + params)
            .redirectErrorStream(true).start()
        val out = process.inputStream.bufferedReader().readText()
        check(process.waitFor() == 0) { out }
        return out.trim()
    }

    private fun requests(emulator: TestEmulator): Long =
        listOf("token", "api", "jwks", "scx_auth", "scx", "wawi").sumOf { emulator.stat(it) }

    @Test
    fun `edited fields, destination moves, link-local, status, rotation`(@TempDir dir: Path) {
        TestEmulator().use { emulator ->
            val db = dir.resolve("sealed.db")
            val key = ByteArray(32) { 4 }
            val store = AccountStore(db.toString(), masterKey = key)
            val wawi = store.add(
                "jtl-wawi",
                "Warehouse",
                mapOf("base_url" to "${emulator.url}/api/eazybusiness", "api_key" to "wrong-key", "app_id" to "acme/kotlin-test", "app_version" to "1.0.0"),
            )
            val test = store.testConnection(wawi.id)
            assertFalse(test.ok)
            assertEquals(401.toUShort(), test.status)
            assertEquals("unauthorized", test.code)

            // Moving the destination without the secret.
            val moved = assertThrows<JtlException> {
                store.update(wawi.id, fields = mapOf("base_url" to "http://127.0.0.1:9/elsewhere"))
            }
            assertEquals("invalid_input", moved.code)
            assertTrue(moved.description.startsWith("apiKey: required again when baseUrl changes"), moved.description)

            // Link-local and metadata addresses.
            for (url in listOf("http://169.254.169.254/latest/meta-data", "http://[fe80::1]/", "http://metadata.google.internal/")) {
                val refused = assertThrows<JtlException> {
                    store.add("jtl-wawi", "Metadata", mapOf("base_url" to url, "api_key" to "k", "app_id" to "acme/kotlin-test", "app_version" to "1.0.0"))
                }
                assertEquals("invalid_input", refused.code)
                assertTrue(refused.description.startsWith("baseUrl: link-local"), refused.description)
            }

            // Rotation: the old key and an old ciphertext stop working.
            val backup = sql(db, "SELECT hex(secret) FROM accounts WHERE id = ?", wawi.id).trim('[', ']', '"')
            assertEquals(1L, store.keyGeneration())
            val newKey = ByteArray(32) { 5 }
            val rotation = store.rotateMasterKey(newKey)
            assertEquals(2L, rotation.generation)
            assertEquals(1uL, rotation.resealed)
            assertEquals("config", assertThrows<JtlException> { AccountStore(db.toString(), masterKey = key) }.code)
            sql(db, "UPDATE accounts SET secret = X'$backup' WHERE id = ?", wawi.id)
            val before = requests(emulator)
            val err = assertThrows<JtlException> { AccountStore(db.toString(), masterKey = newKey).testConnection(wawi.id) }
            assertEquals("store", err.code)

            // A field edited in the file.
            val cloud = AccountStore(db.toString(), masterKey = newKey).add(
                "jtl-cloud",
                "Shop",
                mapOf("client_id" to emulator.clientId, "client_secret" to emulator.clientSecret, "environment" to emulator.url),
            )
            sql(db, "UPDATE accounts SET fields = json_set(fields, '$.client_id', 'someone-else') WHERE id = ?", cloud.id)
            val edited = assertThrows<JtlException> { AccountStore(db.toString(), masterKey = newKey).testConnection(cloud.id) }
            assertEquals("store", edited.code)
            assertTrue(edited.description.contains("changed outside the store"), edited.description)
            assertTrue(edited.description.contains(cloud.id), edited.description)
            assertEquals(before, requests(emulator), "no request was sent")
        }
    }
    @Test
    fun `AccountStore round trip`(@TempDir dir: Path) {
        TestEmulator().use { emulator ->
            val store = AccountStore(dir.resolve("accounts.db").toString())
            val added = store.add(
                "jtl-cloud",
                "Main shop",
                mapOf(
                    "client_id" to emulator.clientId,
                    "client_secret" to emulator.clientSecret,
                    "tenant_id" to emulator.tenantId,
                    "environment" to emulator.url,
                ),
            )
            assertEquals("jtl-cloud", added.system)
            assertEquals(emulator.clientId, added.fields["client_id"])
            assertFalse(added.fields.containsKey("client_secret"))
            assertFalse(added.toString().contains(emulator.clientSecret))

            assertEquals(listOf(added.id), store.list().map { it.id })
            assertEquals("Main shop", store.get(added.id).name)

            val renamed = store.update(added.id, name = "Renamed shop")
            assertEquals("Renamed shop", renamed.name)

            val test = store.testConnection(added.id)
            assertTrue(test.ok, test.message)
            assertNull(test.code)

            when (val client = store.client(added.id)) {
                is AccountClient.Cloud -> assertEquals(200, client.client.get("info").status())
                else -> error("expected a Cloud client, got $client")
            }

            val dup = assertThrows<JtlException> {
                store.add("jtl-cloud", "Renamed shop", mapOf("client_id" to "x", "client_secret" to "y"))
            }
            assertEquals("conflict", dup.code)
            assertEquals("invalid_input", assertThrows<JtlException> { store.add("jtl-nothing", "x", mapOf()) }.code)

            store.update(added.id, fields = mapOf("client_secret" to "wrong-secret"))
            val failed = store.testConnection(added.id)
            assertFalse(failed.ok)
            assertEquals("invalid_credentials", failed.code)

            store.delete(added.id)
            assertEquals("not_found", assertThrows<JtlException> { store.get(added.id) }.code)
            assertTrue(store.list().isEmpty())
        }
    }

    @Test
    fun `Wawi registration, then the Wawi API with the new key`() {
        TestEmulator().use { emulator ->
            emulator.admin("PATCH", "settings", """{"wawi_auto_approve_ms":50}""")
            val base = "${emulator.url}/api/eazybusiness"
            val app = WawiApp(
                appId = "acme/kotlin-test",
                displayName = "Kotlin test",
                description = "jtl-connect's Kotlin tests",
                version = "1.0.0",
                providerName = "Acme",
                providerWebsite = "https://example.com",
                mandatoryScopes = listOf("all.read"),
            )
            val registration = registerWawiApp(base, app, tenantId = emulator.tenantId, pollInterval = 0.05, timeout = 20.0)
            assertEquals("acme/kotlin-test", registration.appId())
            assertTrue(registration.apiKey().isNotEmpty())
            assertFalse(registration.toString().contains(registration.apiKey()))

            val wawi = WawiClient(base, registration.apiKey(), appId = "acme/kotlin-test", appVersion = "1.0.0")
            assertEquals(200, wawi.get("v1/items").status())
            assertFalse(wawi.toString().contains(registration.apiKey()))

            val bad = WawiClient(base, "not-a-key", appId = "acme/kotlin-test", appVersion = "1.0.0")
            val e = assertThrows<JtlException> { bad.get("v1/items") }
            assertEquals("unauthorized", e.code)
        }
    }

    @Test
    fun `SCX events and acknowledge`() {
        TestEmulator().use { emulator ->
            val refresh = TestEmulator.jsonString(emulator.admin("GET", ""), "scx_refresh_token")!!
            emulator.admin("POST", "scx/events", """{"type":"Seller:Order.Accepted","event":{"orderId":"o-1"}}""")
            val scx = ScxClient(refresh, emulator.endpoints())
            assertFalse(scx.toString().contains(refresh))
            val events = scx.events()
            val created = events.filter { it.kind == "Seller:Order.Accepted" }
            assertEquals(1, created.size)
            assertTrue(created[0].event.contains("o-1"))
            scx.acknowledge(events.map { it.id })
            assertTrue(scx.events().isEmpty())
        }
    }
}
