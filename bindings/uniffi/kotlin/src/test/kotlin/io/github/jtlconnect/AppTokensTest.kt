package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertNull
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Facts §4.1 and §4.2: the documented session token and JTL app tokens, in the emulator's
 *  default mode and with each variant setting. */
class AppTokensTest {
    private val customerId = "7c3e9a52-1d4b-4f6e-9a1c-2b5d8e0f4a61"
    private val appId = "demo-app-id"

    private val variants = listOf(
        "{}",
        """{"session_kid_in_header":true}""",
        """{"jwks_without_kid":true}""",
        """{"session_kid_in_header":true,"jwks_without_kid":true,"session_issuer":"https://api.jtl-cloud.com"}""",
    )

    @Test
    fun `the documented session token and app tokens verify in every variant`() {
        for (settings in variants) {
            TestEmulator().use { emulator ->
                emulator.admin("PATCH", "settings", settings)
                emulator.client().use { client ->
                    val claims = client.sessionVerifier().verify(emulator.mintSessionToken())
                    assertEquals(emulator.tenantId, claims.tenantId, settings)
                    assertEquals(customerId, claims.customerId, settings)
                    assertNull(claims.appId)
                    val wrong = emulator.mintSessionToken("""{"iss":"https://evil.example"}""")
                    val e = assertThrows<JtlException.TokenInvalid> { client.sessionVerifier().verify(wrong) }
                    assertEquals("wrong_issuer", e.reason, settings)
                    val app = client.appTokenVerifier(appId).verify(mintAppToken(emulator))
                    assertEquals(appId, app.appId, settings)
                }
            }
        }
    }

    @Test
    fun `app tokens are refused for a foreign audience and an EdDSA token`() {
        TestEmulator().use { emulator ->
            emulator.client().use { client ->
                val verifier = client.appTokenVerifier(appId)
                val claims = verifier.verify(mintAppToken(emulator, """{"user_id":"user-7"}"""))
                assertEquals("user-7", claims.userId)
                assertEquals(emulator.tenantId, claims.tenantId)
                assertNull(claims.customerId)
                val foreign = assertThrows<JtlException.TokenInvalid> {
                    verifier.verify(mintAppToken(emulator, """{"audience":["someone-else"]}"""))
                }
                assertEquals("wrong_audience", foreign.reason)
                assertTrue(foreign.description.contains("audience check"), foreign.description)
                val eddsa = assertThrows<JtlException.TokenInvalid> { verifier.verify(emulator.mintSessionToken()) }
                assertEquals("algorithm_not_allowed", eddsa.reason)
                val strict = client.sessionVerifier(VerifierOptions(requireIssuer = true))
                assertEquals("missing_claim", assertThrows<JtlException.TokenInvalid> { strict.verify(emulator.mintSessionToken()) }.reason)
                val short = client.sessionVerifier(VerifierOptions(maxLifetime = 600.0))
                assertEquals("lifetime_too_long", assertThrows<JtlException.TokenInvalid> { short.verify(emulator.mintSessionToken()) }.reason)
            }
        }
    }

    private fun mintAppToken(emulator: TestEmulator, spec: String = "{}"): String =
        TestEmulator.jsonString(emulator.admin("POST", "app-tokens", spec), "token")!!
}
