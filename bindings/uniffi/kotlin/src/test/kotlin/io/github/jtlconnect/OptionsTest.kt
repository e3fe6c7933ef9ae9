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
}
