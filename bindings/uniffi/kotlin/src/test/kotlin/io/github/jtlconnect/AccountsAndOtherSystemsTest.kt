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
            val registration = registerWawiApp(base, app, tenantId = emulator.tenantId, pollIntervalMs = 50uL, timeoutSeconds = 20uL)
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
