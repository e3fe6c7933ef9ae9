package io.github.jtlconnect

import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

/**
 * Issue 19 item 2 from Kotlin: the suspend functions answer a cached token and a verified token
 * from the caches (no second token request, no second signature check). That the answer is
 * ready on the first poll, without the core's runtime, is checked in Rust
 * (bindings/uniffi/tests/fast_path.rs), where a single poll can be observed.
 */
class FastPathTest {
    @Test
    fun `suspend calls answer cached tokens and verifications from the caches`() {
        TestEmulator().use { emulator ->
            emulator.client().use { client ->
                val token = emulator.mintSessionToken()
                runBlocking {
                    val first = client.accessTokenAsync()
                    repeat(100) { assertEquals(first.expose(), client.accessTokenAsync().expose()) }
                    val verifier = client.sessionVerifier()
                    val claims = verifier.verifyAsync(token)
                    repeat(100) { assertEquals(claims, verifier.verifyAsync(token)) }
                    val stats = verifier.stats()
                    assertEquals(1uL, stats.signatureChecks)
                    assertEquals(100uL, stats.cacheHits)
                    assertEquals(1uL, stats.jwksFetches)
                }
                assertEquals(1L, emulator.stat("token"))
            }
        }
    }
}
