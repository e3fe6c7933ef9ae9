package io.github.jtlconnect

import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Assertions.assertTrue
import org.junit.jupiter.api.Test
import org.junit.jupiter.api.assertThrows

/** Issue 16: the option schemas and error tables come from the core, the same list in
 *  every language; `verifyIssuer = false` turns the issuer check off as everywhere. */
class OptionsTest {
    @Test
    fun `option schemas and error tables come from the core`() {
        val schemas = optionSchemas()
        assertTrue(schemas.contains(""""name":"max_retries","type":"count","default":3"""), schemas)
        assertTrue(schemas.contains(""""verify_issuer""""), schemas)
        val tables = errorTables()
        assertTrue(tables.contains(""""lifetime_too_long""""), tables)
        assertTrue(tables.contains(""""rate_limited""""), tables)
    }

    @Test
    fun `verifyIssuer false accepts a token of another issuer`() {
        TestEmulator().use { emulator ->
            val client = emulator.client()
            val token = emulator.mintSessionToken("""{"iss":"https://elsewhere.example"}""")
            assertThrows<JtlException> { client.sessionVerifier().verify(token) }
            val lenient = client.sessionVerifier(VerifierOptions(verifyIssuer = false))
            assertEquals(emulator.tenantId, lenient.verify(token).tenantId)
        }
    }

    @Test
    fun `typed HttpOptions are built by the core, maxRetries 0 sends one request and a negative timeout is refused`() {
        TestEmulator().use { emulator ->
            emulator.admin("POST", "faults", """{"service":"api","kind":"status","status":503,"count":1}""")
            val client = CloudClient(emulator.clientId, emulator.clientSecret, emulator.tenantId, emulator.endpoints(),
                http = HttpOptions(maxRetries = 0u, timeout = 5.0, userAgent = "kotlin-test/1.0"))
            assertEquals(503, assertThrows<JtlException.Api> { client.get("info") }.status)
            assertEquals(1L, emulator.stat("api"))
            val negative = assertThrows<JtlException.InvalidInput> {
                CloudClient(emulator.clientId, emulator.clientSecret, http = HttpOptions(timeout = -1.0))
            }
            assertTrue(negative.description.contains("http.timeout"), negative.description)
            val nan = assertThrows<JtlException.InvalidInput> { WawiClient(emulator.url, "k", "a", "1", http = HttpOptions(deadline = Double.NaN)) }
            assertTrue(nan.description.contains("http.deadline"), nan.description)
            val infinite = assertThrows<JtlException.InvalidInput> { client.sessionVerifier(VerifierOptions(leeway = Double.POSITIVE_INFINITY)) }
            assertTrue(infinite.description.contains("sessionVerifier.leeway"), infinite.description)
            val badAgent = assertThrows<JtlException.InvalidInput> { AccountStore(http = HttpOptions(userAgent = " ")) }
            assertTrue(badAgent.description.contains("http.userAgent"), badAgent.description)
        }
    }

    @Test
    fun `plain option values go through the core's parser`() {
        assertEquals(HttpOptions(timeout = 5.0, maxRetries = 0u), httpOptionsFromJson("""{"timeout": 5, "maxRetries": 0}"""))
        val typo = assertThrows<JtlException.InvalidInput> { httpOptionsFromJson("""{"maxRetry": 1}""") }
        assertTrue(typo.description.contains("did you mean \"maxRetries\""), typo.description)
        val wrong = assertThrows<JtlException.InvalidInput> { verifierOptionsFromJson("""{"leeway": "a minute"}""") }
        assertTrue(wrong.description.contains("sessionVerifier.leeway: expected a number of seconds"), wrong.description)
        assertEquals(VerifierOptions(verifyIssuer = false, maxTokenBytes = 64uL), verifierOptionsFromJson("""{"verifyIssuer": false, "maxTokenBytes": 64}"""))
        assertEquals(AppTokenVerifierOptions(jwksTtl = 300.0), appTokenVerifierOptionsFromJson("""{"jwksTtl": 300}"""))
        val unknown = assertThrows<JtlException.InvalidInput> { checkOptions("cloudClient", """{"tenantID": "x"}""") }
        assertTrue(unknown.description.contains("did you mean \"tenantId\""), unknown.description)
        checkOptions("wawiClient", """{"runAs": "42", "http": {"timeout": 1}}""")
    }

    @Test
    fun `acceptLanguage picks SCX's language and a deleted item can carry a JSON body`() {
        TestEmulator().use { emulator ->
            val german = assertThrows<JtlException.InvalidCredentials> { ScxClient("unknown-token", emulator.endpoints()).events() }
            assertTrue(german.description.contains("Zu diesem"), german.description)
            val english = assertThrows<JtlException.InvalidCredentials> {
                ScxClient("unknown-token", emulator.endpoints(), acceptLanguage = "en").events()
            }
            assertTrue(english.description.contains("No account"), english.description)
            val client = emulator.client()
            val bad = assertThrows<JtlException.InvalidInput> { client.delete("items/1", json = "{not json") }
            assertTrue(bad.description.startsWith("json:"), bad.description)
        }
    }
}
