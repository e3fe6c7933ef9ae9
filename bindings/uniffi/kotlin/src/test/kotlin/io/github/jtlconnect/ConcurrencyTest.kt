package io.github.jtlconnect

import kotlinx.coroutines.Dispatchers
import kotlinx.coroutines.async
import kotlinx.coroutines.awaitAll
import kotlinx.coroutines.runBlocking
import org.junit.jupiter.api.Assertions.assertEquals
import org.junit.jupiter.api.Test

class ConcurrencyTest {
    @Test
    fun `100 concurrent coroutines on a cold cache send 1 token request`() {
        TestEmulator().use { emulator ->
            assertEquals(0, emulator.stat("token"))
            emulator.client().use { client ->
                val statuses = runBlocking(Dispatchers.Default) {
                    (1..100).map { async { client.getAsync("info").status() } }.awaitAll()
                }
                assertEquals(List(100) { 200 }, statuses)
                val tokens = runBlocking {
                    (1..100).map { async(Dispatchers.Default) { client.accessTokenAsync().fingerprint() } }.awaitAll()
                }
                assertEquals(1, tokens.toSet().size, "one token for everyone")
            }
            assertEquals(1, emulator.stat("token"), "single flight: one token request")
        }
    }

    @Test
    fun `blocking calls from 16 threads share one token`() {
        TestEmulator().use { emulator ->
            val client = emulator.client()
            val threads = (1..16).map { Thread { client.get("info") } }
            threads.forEach { it.start() }
            threads.forEach { it.join() }
            assertEquals(1, emulator.stat("token"))
        }
    }

    @Test
    fun `suspend session verification and errors`() {
        TestEmulator().use { emulator ->
            val verifier = emulator.client().sessionVerifier()
            runBlocking {
                val claims = verifier.verifyAsync(emulator.mintSessionToken())
                assertEquals(emulator.tenantId, claims.tenantId)
                val error = runCatching { verifier.verifyAsync("a.b.c") }.exceptionOrNull()
                assertEquals("token_invalid", (error as JtlException).code)
            }
        }
    }
}
