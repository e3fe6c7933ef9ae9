package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNotNull
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows
import java.time.Instant

/** Wawi registration per facts §5.1 (both casings), Wawi app headers (§5.2), SCX events (§6.3) and seller sign-up (§6.4). */
class WawiScxTest {
    private fun app(id: String) = WawiApp(
        appId = id,
        displayName = "Kotlin test",
        description = "jtl-connect's Kotlin tests",
        version = "1.0.0",
        providerName = "Acme",
        providerWebsite = "https://example.com",
        mandatoryScopes = listOf("all.read"),
    )

    private fun manual(emulator: TestEmulator) {
        emulator.admin("PATCH", "settings", """{"wawi_auto_approve_ms":null}""")
    }

    @Test
    fun `Wawi registration accepted, then 410, in both casings`() {
        TestEmulator().use { emulator ->
            manual(emulator)
            val base = "${emulator.url}/api/eazybusiness"
            for (path in listOf("v1", "v2")) {
                val pending = startWawiRegistration(base, app("acme/accepted-$path"), tenantId = emulator.tenantId, registrationPath = path)
                assertNull(pending.poll(), "Status 0: pending")
                emulator.admin("POST", "wawi/registrations/${pending.requestId()}/approve")
                val registration = pending.poll()
                assertNotNull(registration, "Status 2: accepted")
                assertEquals(listOf("all.read"), registration!!.grantedScopes())
                val gone = assertThrows<JtlException> { pending.poll() }
                assertEquals(410, gone.status)
                assertTrue(gone.description.contains("already answered"), gone.description)
            }
        }
    }

    @Test
    fun `Wawi registration rejected and 402 in both casings`() {
        TestEmulator().use { emulator ->
            manual(emulator)
            val base = "${emulator.url}/api/eazybusiness"
            for (path in listOf("v1", "v2")) {
                val pending = startWawiRegistration(base, app("acme/rejected-$path"), tenantId = emulator.tenantId, registrationPath = path)
                emulator.admin("POST", "wawi/registrations/${pending.requestId()}/reject")
                val negative = assertThrows<JtlException.InvalidInput> { pending.wait(pollInterval = -1.0) }
                assertTrue(negative.description.contains("registration.pollInterval"), negative.description)
                val rejected = assertThrows<JtlException> { pending.wait(pollInterval = 0.02, timeout = 5.0) }
                assertEquals("registration_rejected", rejected.code)
            }
            emulator.admin("PATCH", "settings", """{"wawi_licensed":false}""")
            for (path in listOf("v1", "v2")) {
                val e = assertThrows<JtlException> {
                    registerWawiApp(base, app("acme/unlicensed"), tenantId = emulator.tenantId, registrationPath = path)
                }
                assertEquals(402, e.status)
                assertTrue(e.description.contains("no licence"), e.description)
            }
        }
    }

    @Test
    fun `a Wawi client or app without the required fields is refused locally`() {
        TestEmulator().use { emulator ->
            val base = "${emulator.url}/api/eazybusiness"
            val noId = assertThrows<JtlException> { WawiClient(base, "demo-wawi-api-key", appId = "", appVersion = "1.0.0") }
            assertEquals("invalid_input", noId.code)
            assertTrue(noId.description.contains("appId"), noId.description)
            val noVersion = assertThrows<JtlException> { WawiClient(base, "demo-wawi-api-key", appId = "acme/x", appVersion = " ") }
            assertTrue(noVersion.description.contains("appVersion"), noVersion.description)
            val bare = assertThrows<JtlException> {
                registerWawiApp(base, WawiApp(appId = "acme/bare", displayName = "Bare", version = "1"), tenantId = emulator.tenantId)
            }
            assertEquals("invalid_input", bare.code)
            assertTrue(bare.description.contains("providerWebsite"), bare.description)
            assertEquals(0L, emulator.stat("wawi"))
            assertEquals(0L, emulator.stat("wawi_registration"))
        }
    }

    @Test
    fun `processEvents acknowledges only the events whose handler succeeded`() {
        TestEmulator().use { emulator ->
            emulator.admin("PATCH", "settings", """{"scx_redelivery_timeout_ms":0}""")
            val refresh = TestEmulator.jsonString(emulator.admin("GET", ""), "scx_refresh_token")!!
            emulator.admin("POST", "scx/events", """{"type":"Seller:Order.Accepted","event":{"orderId":"o-1"}}""")
            emulator.admin("POST", "scx/events", """{"type":"Seller:Order.Payment","event":{"orderId":"o-2"}}""")
            val scx = ScxClient(refresh, emulator.endpoints())
            val handled = mutableListOf<String>()
            val outcome = scx.processEvents(object : ScxEventHandler {
                override fun handle(event: ScxEvent) {
                    handled.add(event.kind)
                    if (event.kind == "Seller:Order.Payment") throw ScxHandlerException.Failed(reason = "payment service down")
                }
            })
            assertEquals(2, handled.size)
            assertEquals(1, outcome.acknowledged.size)
            assertEquals(1, outcome.failed.size)
            assertEquals("Seller:Order.Payment", outcome.failed[0].kind)
            assertEquals("payment service down", outcome.failed[0].message)
            val left = scx.events()
            assertEquals(listOf(outcome.failed[0].id), left.map { it.id }, "the failed event is delivered again")
        }
    }

    @Test
    fun `seller sign-up is a Seller API call`() {
        TestEmulator().use { emulator ->
            val sellerRefresh = TestEmulator.jsonString(emulator.admin("GET", ""), "scx_seller_refresh_token")!!
            val seller = ScxClient(sellerRefresh, emulator.endpoints())
            val link = seller.sellerSignUp("MYCHANNEL", "Wawi/1.11.0.3")
            assertTrue(link.signUpUrl.contains("MYCHANNEL"))
            assertTrue(link.expiresAt.isAfter(Instant.now()))
            val bad = assertThrows<JtlException> { seller.sellerSignUp("my-channel", "Wawi/1.11.0.3") }
            assertEquals("invalid_input", bad.code)
            val refresh = TestEmulator.jsonString(emulator.admin("GET", ""), "scx_refresh_token")!!
            val channel = ScxClient(refresh, emulator.endpoints())
            val wrong = assertThrows<JtlException> { channel.sellerSignUp("MYCHANNEL", "Wawi/1.11.0.3") }
            assertTrue(wrong.description.contains("Seller API"), wrong.description)
        }
    }
}
